import type { KubeObject } from '../types.js';

/**
 * kube-system's ServiceAccounts on a kubeadm cluster: kube-proxy and coredns (kubeadm's add-ons) and the
 * one the controller manager runs each controller as (`--use-service-account-credentials`), the subjects of
 * the `system:controller:*` ClusterRoleBindings.
 */
export const KUBE_SYSTEM_SERVICE_ACCOUNTS = [
  'attachdetach-controller',
  'bootstrap-signer',
  'certificate-controller',
  'clusterrole-aggregation-controller',
  'coredns',
  'cronjob-controller',
  'daemon-set-controller',
  'deployment-controller',
  'disruption-controller',
  'endpoint-controller',
  'endpointslice-controller',
  'endpointslicemirroring-controller',
  'ephemeral-volume-controller',
  'expand-controller',
  'generic-garbage-collector',
  'horizontal-pod-autoscaler',
  'job-controller',
  'kube-proxy',
  'legacy-service-account-token-cleaner',
  'namespace-controller',
  'node-controller',
  'persistent-volume-binder',
  'pod-garbage-collector',
  'pv-protection-controller',
  'pvc-protection-controller',
  'replicaset-controller',
  'replication-controller',
  'resourcequota-controller',
  'root-ca-cert-publisher',
  'service-account-controller',
  'service-controller',
  'statefulset-controller',
  'token-cleaner',
  'ttl-after-finished-controller',
  'ttl-controller',
  'validatingadmissionpolicy-status-controller',
];

function serviceAccount(namespace: string, name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
}

/**
 * The ServiceAccounts a cluster that has been up a while holds: `default` in every namespace (the
 * service-account controller keeps them from then on) and kube-system's.
 */
export function buildServiceAccounts(namespaces: string[]): KubeObject[] {
  return [
    ...namespaces.map((namespace) => serviceAccount(namespace, 'default')),
    ...KUBE_SYSTEM_SERVICE_ACCOUNTS.map((name) => serviceAccount('kube-system', name)),
  ];
}
