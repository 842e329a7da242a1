import type { PodRef } from './pod-inventory.js';

/** What the API server answered to one eviction request (policy/v1 Eviction). */
export type EvictionOutcome =
  /** 201: the pod is being deleted gracefully. */
  | { kind: 'accepted' }
  /** 404: nothing to evict. */
  | { kind: 'not-found' }
  /** 429: a PodDisruptionBudget allows no disruption now (or is still being processed: `retryAfterSeconds`). */
  | { kind: 'blocked'; budget?: string; message: string; retryAfterSeconds?: number }
  /** 403 NamespaceTerminating: no new content in a namespace being deleted. */
  | { kind: 'namespace-terminating'; message: string }
  /** Anything else, e.g. the 500 for a pod under two budgets: kubectl gives up on the pod. */
  | { kind: 'refused'; code: number; message: string };

/** Evicts pods through the Eviction API, and deletes one outright when a person decides to ignore its budget. */
export interface PodEviction {
  evict(pod: PodRef, gracePeriodSeconds: number | undefined, signal?: AbortSignal): Promise<EvictionOutcome>;
  /** DELETE with a uid precondition, so a replacement of the same name is never hit. */
  deletePod(
    pod: PodRef & { uid: string },
    gracePeriodSeconds: number | undefined,
    signal?: AbortSignal,
  ): Promise<'deleted' | 'not-found'>;
}
