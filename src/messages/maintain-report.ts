import type { MaintainReport } from '../ops/maintain/maintain-node.js';
import type { SlackMessage } from '../queue/payloads.js';
import { context, escapeMrkdwn, section } from './blocks.js';
import { replacementsSection } from './drain-summary.js';
import { took } from './drain-words.js';

/** The end of a maintenance: where the pods went and how long each part took. */
export function maintainReportMessage(report: MaintainReport, now: number): SlackMessage {
  const { state, replacements } = report;
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
  const where = replacementsSection(replacements);
  return {
    text:
      state.phase === 'done'
        ? `${state.node} is back: Ready and uncordoned`
        : `${state.node} maintenance stopped`,
    blocks: [
      section(head),
      ...(where ? [section(where)] : []),
      context(`${times.join(' · ')}${state.doneBy ? ` · maintenance done by <@${state.doneBy}>` : ''}`),
    ],
  };
}
