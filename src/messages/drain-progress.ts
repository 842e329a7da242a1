import type { DrainProgress } from '../ops/drain/drain-progress.js';

/**
 * The card's one-line detail while a drain runs, every pod counted once: `worker-1: 3/5 evicted · 1 terminating
 * · 1 blocked` (counts of none left out).
 */
export function drainProgressDetail(progress: DrainProgress): string {
  const node =
    progress.nodeCount > 1 ? `${progress.node} (${progress.nodeIndex}/${progress.nodeCount})` : progress.node;
  const parts = [`${progress.evicted}/${progress.total} evicted`];
  const rest: Array<[number, string]> = [
    [progress.terminating, 'terminating'],
    [progress.blocked, 'blocked'],
    [progress.waiting, 'waiting'],
    [progress.skipped, 'skipped'],
    [progress.failed, 'failed'],
    [progress.stopped, 'stopped'],
  ];
  for (const [n, what] of rest) if (n > 0) parts.push(`${n} ${what}`);
  return `${node}: ${parts.join(' · ')}`;
}
