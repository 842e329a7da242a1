import { formatDuration } from '../commands/values.js';
import type { DrainedPod, NodeDrain } from '../ops/drain/drain-state.js';

/** A duration for people: `4.2s` under a minute, `12m30s` above. */
export function took(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  return formatDuration(Math.round(ms / 1000));
}

/** What happened to one pod, in a few words. */
export function podOutcome(pod: DrainedPod): string {
  switch (pod.state) {
    case 'gone':
      if (pod.reason === 'deleted ignoring its disruption budget')
        return `deleted ignoring its budget (by ${pod.by ?? '?'})`;
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
export function nodeHeadline(drain: NodeDrain): string {
  const evicted = drain.pods.filter((p) => p.evictedAt !== undefined).length;
  const time =
    drain.finishedAt !== undefined && drain.startedAt !== undefined
      ? ` in ${took(drain.finishedAt - drain.startedAt)}`
      : '';
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
