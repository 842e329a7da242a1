import type { NodeDrain } from './drain-state.js';

/** What the card shows while a node drains. */
export interface DrainProgress {
  node: string;
  /** 1-based position of this node among the command's nodes. */
  nodeIndex: number;
  nodeCount: number;
  total: number;
  /** Evictions accepted (or deletions on a person's decision), including pods already gone. */
  evicted: number;
  gone: number;
  /** Not yet in a final state. */
  remaining: number;
  /** Pending pods a budget refused at their last attempt. */
  blocked: number;
  skipped: number;
  failed: number;
}

export function drainProgress(
  drain: NodeDrain,
  nodeIndex: number,
  nodeCount: number,
  blocked: number,
): DrainProgress {
  const count = (...states: string[]) => drain.pods.filter((p) => states.includes(p.state)).length;
  return {
    node: drain.node,
    nodeIndex,
    nodeCount,
    total: drain.pods.length,
    evicted: drain.pods.filter((p) => p.evictedAt !== undefined).length,
    gone: count('gone'),
    remaining: count('pending', 'evicted', 'deleted'),
    blocked,
    skipped: count('skipped'),
    failed: count('failed', 'timed-out'),
  };
}
