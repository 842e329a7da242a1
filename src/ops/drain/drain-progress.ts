import type { NodeDrain } from './drain-state.js';

/**
 * What the card shows while a node drains: every pod of the drain in exactly one count, so the counts add up to
 * `total`.
 */
export interface DrainProgress {
  node: string;
  /** 1-based position of this node among the command's nodes. */
  nodeIndex: number;
  nodeCount: number;
  total: number;
  /** Gone from the node: evicted (or deleted on a person's decision) and terminated, or gone by itself. */
  evicted: number;
  /** Evicted or deleted, still terminating. */
  terminating: number;
  /** Not evicted yet: a budget refused it at its last attempt. */
  blocked: number;
  /** Not evicted yet, not blocked: its eviction is about to go out, or was sent and is unanswered. */
  waiting: number;
  /** Left on the node on a person's decision. */
  skipped: number;
  /** Refused by the API server for good, or still there when the timeout ran out. */
  failed: number;
  /** Still there when the drain was cancelled or aborted. */
  stopped: number;
}

export function drainProgress(
  drain: NodeDrain,
  nodeIndex: number,
  nodeCount: number,
  blocked: number,
): DrainProgress {
  const count = (...states: string[]) => drain.pods.filter((p) => states.includes(p.state)).length;
  const pending = count('pending');
  const refused = Math.min(blocked, pending);
  return {
    node: drain.node,
    nodeIndex,
    nodeCount,
    total: drain.pods.length,
    evicted: count('gone'),
    terminating: count('evicted', 'deleted'),
    blocked: refused,
    waiting: pending - refused,
    skipped: count('skipped'),
    failed: count('failed', 'timed-out'),
    stopped: count('stopped'),
  };
}
