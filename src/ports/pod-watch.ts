import type { PodSummary } from './pod-inventory.js';

export type PodChange = { type: 'upsert'; pod: PodSummary } | { type: 'deleted'; pod: PodSummary };

export interface Subscription {
  close(): void;
}

/**
 * Follows the pods bound to one node. The adapter keeps the stream alive (re-watches, relists after 410 and
 * reports what vanished meanwhile as `deleted`), so a listener sees every pod's last state exactly.
 */
export interface PodWatch {
  /** Resolves once every pod now on the node has been delivered as an `upsert`. */
  watchNodePods(
    node: string,
    listener: (change: PodChange) => void,
    signal?: AbortSignal,
  ): Promise<Subscription>;
}
