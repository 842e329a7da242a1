/** A status condition as pods, nodes and workloads carry them. */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
  lastUpdateTime?: string;
  observedGeneration?: number;
}

function list(value: unknown): Condition[] {
  return Array.isArray(value) ? (value as Condition[]) : [];
}

/**
 * Sets one condition in a list, keeping lastTransitionTime when the status does not change (as
 * UpdatePodCondition and meta.SetStatusCondition do). Returns the new list, or undefined if nothing changed.
 */
export function withCondition(conditions: unknown, next: Condition, now: string): Condition[] | undefined {
  const current = list(conditions);
  const index = current.findIndex((c) => c.type === next.type);
  const old = index === -1 ? undefined : current[index];
  const merged: Condition = {
    ...next,
    lastTransitionTime:
      old && old.status === next.status && old.lastTransitionTime ? old.lastTransitionTime : now,
  };
  if (
    old &&
    old.status === merged.status &&
    old.reason === merged.reason &&
    old.message === merged.message &&
    (next.lastHeartbeatTime === undefined || old.lastHeartbeatTime === next.lastHeartbeatTime)
  ) {
    return undefined;
  }
  const result = [...current];
  if (index === -1) result.push(merged);
  else result[index] = merged;
  return result;
}

export function findCondition(conditions: unknown, type: string): Condition | undefined {
  return list(conditions).find((c) => c.type === type);
}
