import type { DrainProgress } from '../ops/drain/drain-progress.js';

/** The card's one-line detail while a drain runs: `worker-1: 12 evicted · 3 remaining · 1 blocked`. */
export function drainProgressDetail(progress: DrainProgress): string {
  const node =
    progress.nodeCount > 1 ? `${progress.node} (${progress.nodeIndex}/${progress.nodeCount})` : progress.node;
  const parts = [
    `${progress.evicted} evicted`,
    `${progress.remaining} remaining`,
    `${progress.blocked} blocked`,
  ];
  if (progress.skipped > 0) parts.push(`${progress.skipped} skipped`);
  if (progress.failed > 0) parts.push(`${progress.failed} failed`);
  return `${node}: ${parts.join(' · ')}`;
}
