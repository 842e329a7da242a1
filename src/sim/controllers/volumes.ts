import type { KubeObject } from '../types.js';

/** Annotations and finalizers the volume machinery of a real cluster writes. */
export const volumeAnnotations = {
  selectedNode: 'volume.kubernetes.io/selected-node',
  storageProvisioner: 'volume.kubernetes.io/storage-provisioner',
  betaStorageProvisioner: 'volume.beta.kubernetes.io/storage-provisioner',
  bindCompleted: 'pv.kubernetes.io/bind-completed',
  boundByController: 'pv.kubernetes.io/bound-by-controller',
  provisionedBy: 'pv.kubernetes.io/provisioned-by',
  isDefaultClass: 'storageclass.kubernetes.io/is-default-class',
} as const;

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';

/** The provisioners the simulator runs: a network-attached one (no node affinity) and a node-local one. */
export const NETWORK_PROVISIONER = 'network.sim.bosun.dev';
export const LOCAL_PROVISIONER = 'rancher.io/local-path';

/** The claim names a pod's volumes refer to (persistentVolumeClaim volumes; generic ephemeral ones too). */
export function claimNamesOf(pod: KubeObject): string[] {
  const volumes: unknown = pod.spec?.volumes;
  if (!Array.isArray(volumes)) return [];
  const names: string[] = [];
  for (const volume of volumes as Array<Record<string, unknown>>) {
    const claim = volume.persistentVolumeClaim as { claimName?: unknown } | undefined;
    if (claim && typeof claim.claimName === 'string') names.push(claim.claimName);
    else if (volume.ephemeral && typeof volume.name === 'string')
      names.push(`${pod.metadata.name ?? ''}-${volume.name}`);
  }
  return names;
}

export function isWaitForFirstConsumer(storageClass: KubeObject | undefined): boolean {
  return storageClass?.volumeBindingMode === 'WaitForFirstConsumer';
}
