import type { DrainState } from '../ops/drain/drain-state.js';
import type { SlackMessage } from '../queue/payloads.js';
import { codeBlock, columns, context, MAX_TEXT, section } from './blocks.js';
import { nodeHeadline, podOutcome, took } from './drain-words.js';
import type { ReplyWithFile } from './nodes-reply.js';

const HEADER = ['NODE', 'POD', 'OWNER', 'OUTCOME'];

function rows(state: DrainState): string[][] {
  return state.nodes.flatMap((drain) =>
    drain.pods.map((p) => [drain.node, `${p.namespace}/${p.name}`, p.owner ?? '-', podOutcome(p)]),
  );
}

/** One-line summary for the card and `/bosun jobs`. */
export function drainSummaryLine(state: DrainState, now: number): string {
  const pods = state.nodes.flatMap((n) => n.pods);
  const evicted = pods.filter((p) => p.evictedAt !== undefined).length;
  const outcomes = state.nodes.map((n) => `${n.node} ${n.outcome ?? 'unfinished'}`).join(', ');
  return `${outcomes}; ${evicted} of ${pods.length} pods evicted in ${took(now - state.startedAt)}`;
}

/**
 * The final word on a drain: how each node ended and every pod's outcome. A short list is shown inline; a long
 * one is summarized and attached whole as a file.
 */
export function drainSummary(state: DrainState, now: number): ReplyWithFile {
  const lines = columns(HEADER, rows(state));
  const headlines = state.nodes.map(nodeHeadline);
  const total = took(now - state.startedAt);
  const resumed =
    state.runs > 1
      ? ` It was resumed ${state.runs - 1} time${state.runs === 2 ? '' : 's'} by another worker.`
      : '';
  const tail = context(
    `${state.nodes.length} node${state.nodes.length === 1 ? '' : 's'} · ${total} in all.${resumed}`,
  );
  const pods = rows(state).length;
  const table = lines.join('\n');
  const text = `Drain finished: ${state.nodes.map((n) => `${n.node} ${n.outcome ?? 'unfinished'}`).join(', ')}`;
  if (pods === 0) return { message: { text, blocks: [...headlines.map(section), tail] } };
  if (table.length + 8 <= MAX_TEXT && pods <= 30) {
    return { message: { text, blocks: [...headlines.map(section), section(codeBlock(lines)), tail] } };
  }
  const message: SlackMessage = {
    text: `${text}; every pod's outcome is attached.`,
    blocks: [
      ...headlines.map(section),
      context(`Every pod's outcome (${pods}) is in the attached file.`),
      tail,
    ],
  };
  return {
    message,
    attachment: {
      filename: 'drain-pods.txt',
      title: 'Drain: every pod and its outcome',
      content: `${table}\n`,
    },
  };
}
