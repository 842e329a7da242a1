import { z } from 'zod';

/**
 * Where a drain stands, recorded in the job's data after every change (debounced) so that a worker that dies
 * is replaced by one that continues from here. It is read back from Redis, hence a schema.
 */
export const PodState = z.enum([
  /** Not evicted yet (possibly refused by a budget so far). */
  'pending',
  /** The eviction was accepted; the pod is terminating. */
  'evicted',
  /** Deleted ignoring its budget, on a person's decision; the pod is terminating. */
  'deleted',
  /** Gone from the node (404, or replaced by a pod of the same name with a new uid). */
  'gone',
  /** A person chose to leave it on the node. */
  'skipped',
  /** The API server refused the eviction with an error that retrying does not fix. */
  'failed',
  /** Still there when the drain's timeout ran out. */
  'timed-out',
  /** Still there when the drain was cancelled or aborted. */
  'stopped',
]);
export type PodState = z.infer<typeof PodState>;

export const FINAL_POD_STATES: ReadonlySet<PodState> = new Set([
  'gone',
  'skipped',
  'failed',
  'timed-out',
  'stopped',
]);

export const DrainedPod = z.object({
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  /** `ReplicaSet/web-5d9c7`, or undefined for a bare pod. */
  owner: z.string().optional(),
  ownerUid: z.string().optional(),
  state: PodState,
  /** Why it ended as it did, in kubectl's words where kubectl has words for it. */
  reason: z.string().optional(),
  /** The budget that refused it most recently. */
  budget: z.string().optional(),
  /** 429 answers so far. */
  refusals: z.number().int().default(0),
  /**
   * When bosun first sent an eviction (or delete) for it. Recorded in the checkpoint before the request leaves,
   * so a worker that takes over knows an eviction may have been accepted even if its answer was never seen.
   */
  sentAt: z.number().optional(),
  evictedAt: z.number().optional(),
  goneAt: z.number().optional(),
  /** Who decided to skip or delete it. */
  by: z.string().optional(),
});
export type DrainedPod = z.infer<typeof DrainedPod>;

/** `reason` of a pod a person chose to delete ignoring its budget. */
export const DELETED_IGNORING_BUDGET = 'deleted ignoring its disruption budget';

/** The person's decision that settled this pod, when one did: skipped, or deleted ignoring its budget. */
export function podDecision(pod: DrainedPod): { by: string; kind: 'skip-pod' | 'delete-pod' } | undefined {
  if (pod.by === undefined) return undefined;
  if (pod.state === 'skipped') return { by: pod.by, kind: 'skip-pod' };
  if (pod.reason === DELETED_IGNORING_BUDGET) return { by: pod.by, kind: 'delete-pod' };
  return undefined;
}

const Grouped = z.object({ message: z.string(), pods: z.array(z.string()) });

export const NodeOutcome = z.enum(['drained', 'refused', 'failed', 'cancelled', 'aborted']);
export type NodeOutcome = z.infer<typeof NodeOutcome>;

export const NodeDrain = z.object({
  node: z.string(),
  /** The node was schedulable before bosun cordoned it (abort uncordons only those). */
  wasSchedulable: z.boolean().optional(),
  cordonedAt: z.number().optional(),
  /** The filters ran and `pods` holds the pods to evict. */
  selected: z.boolean().default(false),
  pods: z.array(DrainedPod).default([]),
  warnings: z.array(Grouped).default([]),
  errors: z.array(Grouped).default([]),
  skippedSilently: z.number().int().default(0),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  outcome: NodeOutcome.optional(),
});
export type NodeDrain = z.infer<typeof NodeDrain>;

export const DrainState = z.object({
  v: z.literal(1),
  startedAt: z.number(),
  nodes: z.array(NodeDrain),
  /** How many workers have run this drain (1, then 2 after a resume, …). */
  runs: z.number().int().default(1),
  /** Set when a person aborted the drain; the nodes bosun cordoned were uncordoned. */
  abortedBy: z.string().optional(),
});
export type DrainState = z.infer<typeof DrainState>;

export function newDrainState(nodes: readonly string[], now: number): DrainState {
  return {
    v: 1,
    startedAt: now,
    runs: 1,
    nodes: nodes.map((node) => ({
      node,
      selected: false,
      pods: [],
      warnings: [],
      errors: [],
      skippedSilently: 0,
    })),
  };
}

/**
 * Brings a record that is not final in line with the pod the cluster shows now (`live`: undefined when it is
 * gone). A pod that is gone or terminating after bosun sent its eviction counts as evicted by bosun, even when
 * the answer to that eviction was lost with the worker that sent it. Returns what changed.
 */
export function reconcileRecord(
  pod: DrainedPod,
  live: { deletionTimestamp?: number } | undefined,
  now: number,
): 'gone' | 'evicted' | undefined {
  if (FINAL_POD_STATES.has(pod.state)) return undefined;
  if (!live) {
    if (pod.state === 'pending' && pod.sentAt !== undefined) pod.evictedAt ??= pod.sentAt;
    pod.state = 'gone';
    pod.goneAt = now;
    return 'gone';
  }
  if (pod.state === 'pending' && live.deletionTimestamp !== undefined) {
    pod.state = 'evicted';
    pod.evictedAt ??= pod.sentAt ?? now;
    return 'evicted';
  }
  return undefined;
}
