import type { ResourceRef } from '../types.js';

/** The resources the controllers read and write. */
export const resources = {
  namespaces: { group: '', resource: 'namespaces' },
  nodes: { group: '', resource: 'nodes' },
  pods: { group: '', resource: 'pods' },
  persistentVolumes: { group: '', resource: 'persistentvolumes' },
  persistentVolumeClaims: { group: '', resource: 'persistentvolumeclaims' },
  storageClasses: { group: 'storage.k8s.io', resource: 'storageclasses' },
  services: { group: '', resource: 'services' },
  serviceAccounts: { group: '', resource: 'serviceaccounts' },
  configMaps: { group: '', resource: 'configmaps' },
  endpoints: { group: '', resource: 'endpoints' },
  endpointSlices: { group: 'discovery.k8s.io', resource: 'endpointslices' },
  controllerRevisions: { group: 'apps', resource: 'controllerrevisions' },
  replicationControllers: { group: '', resource: 'replicationcontrollers' },
  deployments: { group: 'apps', resource: 'deployments' },
  replicaSets: { group: 'apps', resource: 'replicasets' },
  statefulSets: { group: 'apps', resource: 'statefulsets' },
  daemonSets: { group: 'apps', resource: 'daemonsets' },
  jobs: { group: 'batch', resource: 'jobs' },
  podDisruptionBudgets: { group: 'policy', resource: 'poddisruptionbudgets' },
} as const satisfies Record<string, ResourceRef>;
