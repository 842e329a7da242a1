import type { NodeSummary } from './cluster.js';

/** Reads one node and marks it (un)schedulable: what cordon and uncordon do. */
export interface NodeScheduling {
  /** undefined when there is no such node. */
  readNode(name: string, signal?: AbortSignal): Promise<NodeSummary | undefined>;
  setUnschedulable(name: string, unschedulable: boolean, signal?: AbortSignal): Promise<NodeSummary>;
}
