import type { PodSummary } from '../../ports/pod-inventory.js';

/**
 * kubectl drain's pod filters (k8s.io/kubectl/pkg/drain/filters.go), in kubectl's order and with its words:
 * each filter says whether the pod may be deleted, and why not. The first filter that keeps a pod decides;
 * for pods that pass every filter the last filter's status stands (so an earlier warning can be overwritten,
 * exactly as in kubectl).
 */
export const DAEMON_SET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
export const DAEMON_SET_WARNING = 'ignoring DaemonSet-managed Pods';
export const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
export const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
export const UNMANAGED_FATAL = 'cannot delete Pods that declare no controller (use --force to override)';
export const UNMANAGED_WARNING = 'deleting Pods that declare no controller';

export interface PodDeleteStatus {
  delete: boolean;
  reason: 'okay' | 'skip' | 'warning' | 'error';
  message?: string;
}

export interface FilterContext {
  force: boolean;
  deleteEmptyDirData: boolean;
  ignoreDaemonSets: boolean;
  /** kubectl's --skip-wait-for-delete-timeout (0 = off). */
  skipWaitForDeleteTimeoutSeconds: number;
  now: number;
  /** kubectl GETs the DaemonSet of every running DaemonSet pod. */
  daemonSet(namespace: string, name: string): Promise<{ exists: true } | { exists: false; message: string }>;
}

export type PodFilter = (
  pod: PodSummary,
  context: FilterContext,
) => PodDeleteStatus | Promise<PodDeleteStatus>;

const okay: PodDeleteStatus = { delete: true, reason: 'okay' };
const skip: PodDeleteStatus = { delete: false, reason: 'skip' };
const warning = (deletes: boolean, message: string): PodDeleteStatus => ({
  delete: deletes,
  reason: 'warning',
  message,
});
const error = (message: string): PodDeleteStatus => ({ delete: false, reason: 'error', message });

const finished = (pod: PodSummary) => pod.phase === 'Succeeded' || pod.phase === 'Failed';

export const skipDeletedFilter: PodFilter = (pod, context) => {
  const timeout = context.skipWaitForDeleteTimeoutSeconds;
  if (timeout > 0 && pod.deletionTimestamp !== undefined) {
    if (Math.floor((context.now - pod.deletionTimestamp) / 1000) > timeout) return skip;
  }
  return okay;
};

export const daemonSetFilter: PodFilter = async (pod, context) => {
  if (pod.controller?.kind !== 'DaemonSet' || finished(pod)) return okay;
  const lookup = await context.daemonSet(pod.namespace, pod.controller.name);
  if (!lookup.exists) {
    // An orphaned DaemonSet pod goes with --force; kubectl reports the lookup error either way.
    return context.force ? warning(true, lookup.message) : error(lookup.message);
  }
  if (!context.ignoreDaemonSets) return error(DAEMON_SET_FATAL);
  return warning(false, DAEMON_SET_WARNING);
};

export const mirrorPodFilter: PodFilter = (pod) => (pod.mirror ? skip : okay);

export const localStorageFilter: PodFilter = (pod, context) => {
  if (pod.emptyDirVolumes.length === 0 || finished(pod)) return okay;
  if (!context.deleteEmptyDirData) return error(LOCAL_STORAGE_FATAL);
  return warning(true, LOCAL_STORAGE_WARNING);
};

export const unreplicatedFilter: PodFilter = (pod, context) => {
  if (finished(pod) || pod.controller !== undefined) return okay;
  return context.force ? warning(true, UNMANAGED_WARNING) : error(UNMANAGED_FATAL);
};

/** kubectl's makeFilters order. */
export const DRAIN_FILTERS: readonly PodFilter[] = [
  skipDeletedFilter,
  daemonSetFilter,
  mirrorPodFilter,
  localStorageFilter,
  unreplicatedFilter,
];

export async function podDeleteStatus(pod: PodSummary, context: FilterContext): Promise<PodDeleteStatus> {
  let status = okay;
  for (const filter of DRAIN_FILTERS) {
    status = await filter(pod, context);
    if (!status.delete) break;
  }
  return status;
}
