import { parseQuantity } from '../../shared/quantity.js';
import type { KubeObject } from '../types.js';

/** What the scheduler counts against a node's allocatable. */
export interface ResourceAmounts {
  cpu: number;
  memory: number;
  pods: number;
}

interface Condition {
  type?: string;
  status?: string;
}

function conditions(pod: KubeObject): Condition[] {
  const list: unknown = pod.status?.conditions;
  return Array.isArray(list) ? (list as Condition[]) : [];
}

export function podCondition(pod: KubeObject, type: string): Condition | undefined {
  return conditions(pod).find((c) => c.type === type);
}

/** Ready as Kubernetes means it: condition Ready=True. */
export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

export function isTerminating(object: KubeObject): boolean {
  return typeof object.metadata.deletionTimestamp === 'string';
}

export function isFinished(pod: KubeObject): boolean {
  const phase: unknown = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Active as the workload controllers count it: not finished and not terminating. A pod being evicted is no
 * longer active, so its ReplicaSet replaces it at once; that is what lets a PDB-guarded drain progress.
 */
export function isPodActive(pod: KubeObject): boolean {
  return !isTerminating(pod) && !isFinished(pod);
}

/** Sum of the containers' requests (init containers run before and are not counted here). */
export function podRequests(pod: KubeObject): ResourceAmounts {
  const total: ResourceAmounts = { cpu: 0, memory: 0, pods: 1 };
  const containers: unknown = pod.spec?.containers;
  if (!Array.isArray(containers)) return total;
  for (const container of containers as Array<{ resources?: { requests?: Record<string, string> } }>) {
    const requests = container.resources?.requests ?? {};
    total.cpu += parseQuantity(requests.cpu ?? '0') ?? 0;
    total.memory += parseQuantity(requests.memory ?? '0') ?? 0;
  }
  return total;
}
