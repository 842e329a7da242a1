import type { MaintainReport } from '../ops/maintain/maintain-node.js';
import type { SlackMessage } from '../queue/payloads.js';
import { context, escapeMrkdwn, section } from './blocks.js';
import { took } from './drain-words.js';

/** The end of a maintenance: where the pods went and how long each part took. */
export function maintainReportMessage(report: MaintainReport, now: number): SlackMessage {
  const { state, moves } = report;
  const drain = state.drain?.nodes[0];
  const times = [
    drain?.startedAt !== undefined && drain.finishedAt !== undefined
      ? `drain ${took(drain.finishedAt - drain.startedAt)}`
      : '',
    state.announcedAt !== undefined && state.doneAt !== undefined
      ? `maintenance ${took(state.doneAt - state.announcedAt)}`
      : '',
    state.doneAt !== undefined && state.readyAt !== undefined
      ? `back to Ready ${took(state.readyAt - state.doneAt)}`
      : '',
    `total ${took(now - state.startedAt)}`,
  ].filter(Boolean);
  const head =
    state.phase === 'done'
      ? `:white_check_mark: *${escapeMrkdwn(state.node)}* is back: Ready and uncordoned.`
      : `:x: *${escapeMrkdwn(state.node)}* maintenance stopped: ${escapeMrkdwn(state.stoppedBecause ?? 'unknown reason')}.${state.uncordonedAt ? ' The node is uncordoned.' : ' The node stays cordoned.'}`;
  const where = moves.map((m) => {
    const nodes = Object.entries(m.now)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([node, count]) => `${escapeMrkdwn(node)} (${count})`)
      .join(', ');
    return `• \`${escapeMrkdwn(m.namespace)}\` ${escapeMrkdwn(m.owner)}: ${m.moved} moved; its pods now run on ${nodes || 'no node yet'}`;
  });
  return {
    text:
      state.phase === 'done'
        ? `${state.node} is back: Ready and uncordoned`
        : `${state.node} maintenance stopped`,
    blocks: [
      section(head),
      ...(where.length > 0 ? [section(`*Where the pods went*\n${where.slice(0, 40).join('\n')}`)] : []),
      context(`${times.join(' · ')}${state.doneBy ? ` · maintenance done by <@${state.doneBy}>` : ''}`),
    ],
  };
}
