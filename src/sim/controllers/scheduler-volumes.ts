import type { KubeObject } from '../types.js';
import type { Informer } from './informer.js';
import { volumeMatchesNode } from './node-affinity.js';
import type { VolumeFilter } from './scheduler-fit.js';
import { claimNamesOf, isWaitForFirstConsumer, volumeAnnotations } from './volumes.js';

/** What kube-scheduler's VolumeBinding plugin makes of a pod's claims. */
export type VolumePlan =
  /** PreFilter rejected the pod (UnschedulableAndUnresolvable); the message goes into the FitError. */
  | { kind: 'rejected'; message: string }
  /** A node was chosen for the claims of a WaitForFirstConsumer class and they are being provisioned. */
  | { kind: 'waiting' }
  /** Schedulable as far as volumes go: `filter` checks each node, `toProvision` get the chosen node. */
  | { kind: 'ok'; filter: VolumeFilter | undefined; toProvision: KubeObject[] };

const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/**
 * The VolumeBinding plugin (pkg/scheduler/framework/plugins/volumebinding): PreFilter wants every claim to
 * exist and not be deleted, and claims of Immediate classes bound; Filter wants bound volumes' node affinity
 * to match the node. Claims of a WaitForFirstConsumer class are provisioned for the node the pod is given.
 */
export function planVolumes(
  pod: KubeObject,
  caches: { claims: Informer; volumes: Informer; classes: Informer },
): VolumePlan {
  const names = claimNamesOf(pod);
  if (names.length === 0) return { kind: 'ok', filter: undefined, toProvision: [] };
  const namespace = pod.metadata.namespace;
  const bound: KubeObject[] = [];
  const toProvision: KubeObject[] = [];
  let unboundImmediate = false;
  let waiting = false;
  let noProvisioner = false;
  for (const name of names) {
    const claim = caches.claims.get(namespace, name);
    if (!claim) return { kind: 'rejected', message: `persistentvolumeclaim "${name}" not found` };
    if (claim.metadata.deletionTimestamp)
      return { kind: 'rejected', message: `persistentvolumeclaim "${name}" is being deleted` };
    if (claim.spec?.volumeName) {
      bound.push(claim);
      continue;
    }
    const storageClass = caches.classes.get(undefined, claim.spec?.storageClassName ?? '');
    if (!isWaitForFirstConsumer(storageClass)) unboundImmediate = true;
    else if (storageClass?.provisioner === NO_PROVISIONER) noProvisioner = true;
    else if (claim.metadata.annotations?.[volumeAnnotations.selectedNode]) waiting = true;
    else toProvision.push(claim);
  }
  if (unboundImmediate)
    return { kind: 'rejected', message: 'pod has unbound immediate PersistentVolumeClaims' };
  if (waiting) return { kind: 'waiting' };
  const filter: VolumeFilter = (node) => {
    for (const claim of bound) {
      const volume = caches.volumes.get(undefined, claim.spec?.volumeName ?? '');
      if (!volume) return 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
      if (!volumeMatchesNode(volume, node)) return 'node(s) had volume node affinity conflict';
    }
    // Static local volumes are not looked for: a class without a provisioner finds none.
    if (noProvisioner) return "node(s) didn't find available persistent volumes to bind";
    return undefined;
  };
  return { kind: 'ok', filter, toProvision };
}
