import type { ServedResource } from '../ports/cluster-resources.js';
import { resourceKey } from './artifact-path.js';

/**
 * The order a restore creates resources in, first to last (Velero's defaultRestorePriorities, kept to the kinds
 * a cluster without Velero or Cluster API serves): what others refer to comes before what refers to it. Every
 * resource not named here follows, by name.
 */
export const RESTORE_PRIORITIES: readonly string[] = [
  'customresourcedefinitions.apiextensions.k8s.io',
  'namespaces',
  'storageclasses.storage.k8s.io',
  'volumesnapshotclasses.snapshot.storage.k8s.io',
  'volumesnapshotcontents.snapshot.storage.k8s.io',
  'volumesnapshots.snapshot.storage.k8s.io',
  'persistentvolumes',
  'persistentvolumeclaims',
  'clusterroles.rbac.authorization.k8s.io',
  'roles.rbac.authorization.k8s.io',
  'serviceaccounts',
  'clusterrolebindings.rbac.authorization.k8s.io',
  'rolebindings.rbac.authorization.k8s.io',
  'secrets',
  'configmaps',
  'limitranges',
  'priorityclasses.scheduling.k8s.io',
  'pods',
  'replicasets.apps',
  'endpoints',
  'services',
];

/** Never restored (they belong to the cluster that made them), though a backup keeps them for the record. */
export const NEVER_RESTORED: ReadonlySet<string> = new Set([
  'nodes',
  'events',
  'events.events.k8s.io',
  'csinodes.storage.k8s.io',
  'volumeattachments.storage.k8s.io',
  'leases.coordination.k8s.io',
  'componentstatuses',
  'endpointslices.discovery.k8s.io',
  'controllerrevisions.apps',
  'apiservices.apiregistration.k8s.io',
]);

/** Resources served under a second group that hold the same objects: taken once, from the group named here. */
const SAME_OBJECTS_AS: Readonly<Record<string, string>> = {
  'events.events.k8s.io': 'events',
};

/** The verbs a resource must have to be backed up and restored. */
const NEEDED_VERBS = ['list', 'get', 'create', 'delete'] as const;

/**
 * The resources a backup reads, from discovery: every resource with list, get, create and delete, no
 * subresources, a resource served twice taken once; in restore order, so that files written in this order (and
 * `all-resources.yaml`) can be applied top to bottom.
 */
export function backupResources(served: readonly ServedResource[]): ServedResource[] {
  const keys = new Set(served.map(resourceKey));
  const chosen = served.filter((r) => {
    if (r.resource.includes('/')) return false;
    if (!NEEDED_VERBS.every((verb) => r.verbs.includes(verb))) return false;
    const twin = SAME_OBJECTS_AS[resourceKey(r)];
    return !(twin && keys.has(twin));
  });
  return sortForRestore(chosen);
}

/** Restore order: the priorities first, then the rest by key. */
export function sortForRestore<T extends Pick<ServedResource, 'resource' | 'group'>>(
  resources: readonly T[],
): T[] {
  const rank = (r: T) => {
    const index = RESTORE_PRIORITIES.indexOf(resourceKey(r));
    return index < 0 ? RESTORE_PRIORITIES.length : index;
  };
  return [...resources].sort((a, b) => rank(a) - rank(b) || resourceKey(a).localeCompare(resourceKey(b)));
}

/** `ConfigMap`, `configmaps`, `deployments.apps` and `Deployment` all name the same kind in `--exclude-kinds`. */
export function matchesKind(resource: ServedResource, names: readonly string[]): boolean {
  const key = resourceKey(resource).toLowerCase();
  const kind = resource.kind.toLowerCase();
  const plural = resource.resource.toLowerCase();
  return names.some((n) => {
    const name = n.toLowerCase();
    return name === key || name === kind || name === plural;
  });
}
