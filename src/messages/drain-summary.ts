import type { DrainState } from '../ops/drain/drain-state.js';
import type { SlackMessage } from '../queue/payloads.js';
import { codeBlock, columns, context, MAX_TEXT, section } from './blocks.js';
import { drainRefusalWords, nodeHeadline, podOutcome, took } from './drain-words.js';
import type { ReplyWithFile } from './nodes-reply.js';

const HEADER = ['NODE', 'POD', 'OWNER', 'OUTCOME'];

function rows(state: DrainState): string[][] {
  return state.nodes.flatMap((drain) =>
    drain.pods.map((p) => [drain.node, `${p.namespace}/${p.name}`, p.owner ?? '-', podOutcome(p)]),
  );
}

/** One-line summary for the card and `/bosun jobs`. */
export function drainSummaryLine(state: DrainState, now: number): string {
  const refused = state.nodes.filter((n) => n.outcome === 'refused' && n.errors.length > 0);
  const counted = state.nodes.filter((n) => !refused.includes(n));
  const pods = counted.flatMap((n) => n.pods);
  const evicted = pods.filter((p) => p.evictedAt !== undefined).length;
  const time = took(now - state.startedAt);
  // A refused node selected no pods to evict: say what refused it, not "0 of 0 pods evicted".
  const refusal = refused.length > 0 ? drainRefusalWords(refused).message : '';
  if (counted.length === 0) return `${refusal}; nothing evicted in ${time}`;
  const outcomes = counted.map((n) => `${n.node} ${n.outcome ?? 'unfinished'}`).join(', ');
  return `${outcomes}; ${evicted} of ${pods.length} pods evicted in ${time}${refusal ? `; ${refusal}` : ''}`;
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
