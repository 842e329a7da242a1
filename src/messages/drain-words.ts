import { formatDuration } from '../commands/values.js';
import { DELETED_IGNORING_BUDGET, type DrainedPod, type NodeDrain } from '../ops/drain/drain-state.js';

/** A duration for people: `4.2s` under a minute, `12m30s` above. */
export function took(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  return formatDuration(Math.round(ms / 1000));
}

/** What happened to one pod, in a few words. */
export function podOutcome(pod: DrainedPod): string {
  switch (pod.state) {
    case 'gone':
      if (pod.reason === DELETED_IGNORING_BUDGET) return `deleted ignoring its budget (by ${pod.by ?? '?'})`;
      return pod.evictedAt !== undefined ? 'evicted' : 'gone before bosun evicted it';
    case 'evicted':
    case 'deleted':
      return 'terminating';
    case 'pending':
      return pod.refusals > 0 ? `waiting on budget ${pod.budget ?? '?'}` : 'not evicted yet';
    case 'skipped':
      return `skipped (by ${pod.by ?? '?'})`;
    case 'stopped':
      return pod.evictedAt !== undefined
        ? 'evicted, still terminating when stopped'
        : 'not evicted (stopped)';
    case 'failed':
    case 'timed-out':
      return pod.reason ?? pod.state;
  }
}

/** One line per node: how it ended. */
export function nodeHeadline(drain: NodeDrain, durationMs?: number | null): string {
  const evicted = drain.pods.filter((p) => p.evictedAt !== undefined).length;
  // The node's own time, unless the caller gives the one duration to show (null: none).
  const ms =
    durationMs === undefined
      ? drain.finishedAt !== undefined && drain.startedAt !== undefined
        ? drain.finishedAt - drain.startedAt
        : undefined
      : (durationMs ?? undefined);
  const time = ms === undefined ? '' : ` in ${took(ms)}`;
  const count = (state: string) => drain.pods.filter((p) => p.state === state).length;
  const extras = [
    count('skipped') > 0 ? `${count('skipped')} skipped` : '',
    count('failed') > 0 ? `${count('failed')} refused by the API server` : '',
    count('timed-out') > 0 ? `${count('timed-out')} still there at the timeout` : '',
  ].filter(Boolean);
  const tail = extras.length > 0 ? `, ${extras.join(', ')}` : '';
  switch (drain.outcome) {
    case 'drained':
      return `:white_check_mark: *${drain.node}* drained${time}: ${evicted} pod${evicted === 1 ? '' : 's'} evicted${tail}. It stays cordoned until you uncordon it.`;
    case 'refused':
      return `:no_entry: *${drain.node}* not drained: some pods cannot be evicted (nothing was evicted). The node stays cordoned.`;
    case 'failed':
      return `:x: *${drain.node}* not fully drained${time}: ${evicted} evicted${tail}. The node stays cordoned.`;
    case 'cancelled':
      return `:no_entry_sign: *${drain.node}* drain cancelled: ${evicted} evicted before it stopped. The node stays cordoned.`;
    case 'aborted':
      return `:leftwards_arrow_with_hook: *${drain.node}* drain aborted: ${evicted} evicted before it stopped.${drain.wasSchedulable ? ' The node is uncordoned again.' : ' It was cordoned before bosun came, so it stays cordoned.'}`;
    default:
      return `*${drain.node}*: ${evicted} evicted so far.`;
  }
}

/** Why kubectl's filters refuse a node's drain, as the preview and the drain record it. */
export interface DrainRefusal {
  node: string;
  errors: ReadonlyArray<{ message: string; pods: readonly string[] }>;
}

/** The flags kubectl's refusals name (`use --delete-emptydir-data to override`), each once, in order. */
export function overrideFlags(refusals: readonly DrainRefusal[]): string[] {
  const flags = refusals.flatMap((r) =>
    r.errors.flatMap((e) => [...e.message.matchAll(/use (--[a-z-]+) to override/g)].map((m) => m[1] ?? '')),
  );
  return [...new Set(flags.filter(Boolean))];
}

/**
 * A refused drain in one sentence and what would change it: `worker-3 cannot be drained as asked: Pods with
 * local storage (shop/api-1)` and ``Add `--delete-emptydir-data` (their emptyDir data is lost) …``.
 */
export function drainRefusalWords(refusals: readonly DrainRefusal[]): { message: string; hint: string } {
  const why = (r: DrainRefusal) =>
    r.errors
      .map((e) => {
        const what = e.message.replace(/^cannot delete /, '').replace(/ \(use --[a-z-]+ to override\)$/, '');
        const pods = e.pods.slice(0, 3).join(', ') + (e.pods.length > 3 ? `, +${e.pods.length - 3}` : '');
        return `${what} (${pods})`;
      })
      .join('; ');
  const message =
    refusals.length === 1 && refusals[0]
      ? `${refusals[0].node} cannot be drained as asked: ${why(refusals[0])}`
      : `cannot be drained as asked: ${refusals.map((r) => `${r.node}: ${why(r)}`).join('; ')}`;
  const flags = overrideFlags(refusals);
  const effects: Record<string, string> = {
    '--delete-emptydir-data': 'their emptyDir data is lost',
    '--force': 'pods without a controller are not recreated',
  };
  const hint =
    flags.length > 0
      ? `Add ${flags.map((f) => `\`${f}\`${effects[f] ? ` (${effects[f]})` : ''}`).join(' and ')} to drain anyway, or move those pods first.`
      : 'Move those pods first, then ask again.';
  return { message, hint };
}
