import { LOCAL_PROVISIONER, NETWORK_PROVISIONER, volumeAnnotations } from '../controllers/volumes.js';
import type { KubeObject } from '../types.js';

/**
 * The cluster's StorageClasses, as on a kubeadm cluster with a network storage driver as the default and
 * local-path-provisioner beside it. `standard` (default, Immediate) provisions volumes any node can mount;
 * `local` (WaitForFirstConsumer) provisions on the node the claim's first pod was scheduled to and pins the
 * volume there with node affinity. Both delete the volume with its claim.
 */
export function buildStorageClasses(): KubeObject[] {
  return [
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { [volumeAnnotations.isDefaultClass]: 'true' } },
      provisioner: NETWORK_PROVISIONER,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
      allowVolumeExpansion: true,
    },
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'local' },
      provisioner: LOCAL_PROVISIONER,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
  ];
}
