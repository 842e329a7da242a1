import type { DrainState } from '../ops/drain/drain-state.js';
import { notice } from './notice.js';

/** A worker picked up a drain another worker started (that one stopped or died). */
export function drainResumedMessage(state: DrainState) {
  const pods = state.nodes.flatMap((n) => n.pods);
  const evicted = pods.filter((p) => p.evictedAt !== undefined).length;
  const open = pods.filter(
    (p) => p.state === 'pending' || p.state === 'evicted' || p.state === 'deleted',
  ).length;
  return notice(
    'info',
    `Resumed by another worker: ${evicted} pod${evicted === 1 ? ' was' : 's were'} evicted before; continuing with ${open} not yet gone. Pods already evicted are not evicted again.`,
  );
}
