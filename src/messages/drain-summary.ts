import type { DrainState } from '../ops/drain/drain-state.js';
import type { OwnerReplacements } from '../ops/drain/replacements.js';
import type { SlackMessage } from '../queue/payloads.js';
import { codeBlock, columns, context, escapeMrkdwn, MAX_TEXT, section } from './blocks.js';
import { drainRefusalWords, nodeHeadline, podOutcome, took } from './drain-words.js';
import type { ReplyWithFile } from './nodes-reply.js';

const HEADER = ['NODE', 'POD', 'OWNER', 'OUTCOME'];

/** The pod table; the NODE column only when more than one node was drained. */
function table(state: DrainState): string[] {
  const many = state.nodes.length > 1;
  const rows = state.nodes.flatMap((drain) =>
    drain.pods.map((p) => [
      ...(many ? [drain.node] : []),
      `${p.namespace}/${p.name}`,
      p.owner ?? '-',
      podOutcome(p),
    ]),
  );
  return rows.length === 0 ? [] : columns(many ? HEADER : HEADER.slice(1), rows);
}

/** At most this many owners are listed under "Replacements"; the rest are counted. */
const OWNERS_SHOWN = 15;

/** `3/3 replacements Ready: worker-1 (2), worker-3 (1)`, naming those that are not Ready and why. */
export function replacementLine(owner: OwnerReplacements): string {
  const ready = owner.replacements.filter((r) => r.ready);
  const where = new Map<string, number>();
  for (const r of ready) if (r.node) where.set(r.node, (where.get(r.node) ?? 0) + 1);
  const nodes = [...where]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([node, count]) => `${escapeMrkdwn(node)} (${count})`)
    .join(', ');
  const missing = owner.evicted - owner.replacements.length;
  const notReady = owner.replacements
    .filter((r) => !r.ready)
    .map(
      (r) =>
        `\`${escapeMrkdwn(r.name)}\`${r.node ? ` on ${escapeMrkdwn(r.node)}` : ''}: ${escapeMrkdwn(r.why ?? 'not Ready')}`,
    );
  const parts = [
    `${ready.length}/${owner.evicted} replacements Ready${nodes ? `: ${nodes}` : ''}`,
    ...(notReady.length > 0 ? [`not Ready: ${notReady.join('; ')}`] : []),
    ...(missing > 0 ? [`${missing} not created yet`] : []),
  ];
  const icon = ready.length === owner.evicted ? ':white_check_mark:' : ':warning:';
  return `${icon} ${escapeMrkdwn(owner.owner)} in \`${escapeMrkdwn(owner.namespace)}\`: ${parts.join(' · ')}`;
}

/** "Where the pods went": one line per owner, for the drain's and the maintenance's summaries. */
export function replacementsSection(owners: readonly OwnerReplacements[]): string | undefined {
  if (owners.length === 0) return undefined;
  const lines = owners.slice(0, OWNERS_SHOWN).map(replacementLine);
  const more = owners.length - OWNERS_SHOWN;
  if (more > 0) lines.push(`… and ${more} more owner${more === 1 ? '' : 's'}.`);
  return `*Where the pods went*\n${lines.join('\n')}`;
}

/** The card while a finished drain waits for its pods' replacements to be Ready. */
export const drainReplacementsWaiting = (nodes: string[], waitMs: number): string =>
  `${nodes.join(', ')} drained; waiting up to ${took(waitMs)} for the replacements to be Ready`;

/** Replacements not Ready yet, for the card's one line. */
const notReadyCount = (owners: readonly OwnerReplacements[]) =>
  owners.reduce((sum, o) => sum + o.evicted - o.replacements.filter((r) => r.ready).length, 0);

/** One-line summary for the card and `/bosun jobs`. */
export function drainSummaryLine(
  state: DrainState,
  now: number,
  owners: readonly OwnerReplacements[] = [],
): string {
  const refused = state.nodes.filter((n) => n.outcome === 'refused' && n.errors.length > 0);
  const counted = state.nodes.filter((n) => !refused.includes(n));
  const pods = counted.flatMap((n) => n.pods);
  const evicted = pods.filter((p) => p.evictedAt !== undefined).length;
  const time = took(now - state.startedAt);
  // A refused node selected no pods to evict: say what refused it, not "0 of 0 pods evicted".
  const refusal = refused.length > 0 ? drainRefusalWords(refused).message : '';
  if (counted.length === 0) return `${refusal}; nothing evicted in ${time}`;
  const outcomes = counted.map((n) => `${n.node} ${n.outcome ?? 'unfinished'}`).join(', ');
  const waiting = notReadyCount(owners);
  const replaced = waiting > 0 ? `; ${waiting} replacement${waiting === 1 ? '' : 's'} not Ready` : '';
  return `${outcomes}; ${evicted} of ${pods.length} pods evicted in ${time}${replaced}${refusal ? `; ${refusal}` : ''}`;
}

/**
 * The final word on a drain: how each node ended, where the evicted pods' replacements run and whether they
 * are Ready, and every pod's outcome, with one duration. A short pod list is shown inline; a long one is
 * summarized and attached whole as a file.
 */
export function drainSummary(
  state: DrainState,
  now: number,
  owners: readonly OwnerReplacements[] = [],
): ReplyWithFile {
  const total = now - state.startedAt;
  const one = state.nodes.length === 1;
  // One duration: the node's headline carries it when one node was drained, the closing line otherwise.
  const headlines = state.nodes.map((n) => nodeHeadline(n, one ? total : null));
  const resumed =
    state.runs > 1
      ? `It was resumed ${state.runs - 1} time${state.runs === 2 ? '' : 's'} by another worker.`
      : '';
  const closing = [one ? '' : `${state.nodes.length} nodes in ${took(total)}.`, resumed].filter(Boolean);
  const tail = closing.length > 0 ? [context(closing.join(' '))] : [];
  const where = replacementsSection(owners);
  const head = [...headlines.map(section), ...(where ? [section(where)] : [])];
  const lines = table(state);
  const pods = Math.max(0, lines.length - 1);
  const joined = lines.join('\n');
  const text = `Drain finished: ${state.nodes.map((n) => `${n.node} ${n.outcome ?? 'unfinished'}`).join(', ')}`;
  if (pods === 0) return { message: { text, blocks: [...head, ...tail] } };
  if (joined.length + 8 <= MAX_TEXT && pods <= 30) {
    return { message: { text, blocks: [...head, section(codeBlock(lines)), ...tail] } };
  }
  const message: SlackMessage = {
    text: `${text}; every pod's outcome is attached.`,
    blocks: [...head, context(`Every pod's outcome (${pods}) is in the attached file.`), ...tail],
  };
  return {
    message,
    attachment: {
      filename: 'drain-pods.txt',
      title: 'Drain: every pod and its outcome',
      content: `${joined}\n`,
    },
  };
}
