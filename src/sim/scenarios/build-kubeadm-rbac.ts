import type { KubeObject } from '../types.js';

const RBAC = 'rbac.authorization.k8s.io';
const BOOTSTRAP_TOKENS = 'system:bootstrappers:kubeadm:default-node-token';

function group(name: string) {
  return { apiGroup: RBAC, kind: 'Group', name };
}

function serviceAccount(name: string) {
  return { kind: 'ServiceAccount', name, namespace: 'kube-system' };
}

function clusterRole(name: string, rules: unknown[]): KubeObject {
  return { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name }, rules };
}

function binding(name: string, role: string, subjects: unknown[]): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
    subjects,
  };
}

/**
 * What `kubeadm init` adds to the API server's bootstrap policy: node bootstrap and CSR auto-approval for its
 * bootstrap tokens, kube-proxy's and CoreDNS's bindings, and the `kubeadm:cluster-admins` group (1.29+).
 */
export function buildKubeadmRbac(): KubeObject[] {
  return [
    clusterRole('kubeadm:get-nodes', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]),
    clusterRole('system:coredns', [
      {
        apiGroups: [''],
        resources: ['endpoints', 'services', 'pods', 'namespaces'],
        verbs: ['list', 'watch'],
      },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ]),
    binding('kubeadm:cluster-admins', 'cluster-admin', [group('kubeadm:cluster-admins')]),
    binding('kubeadm:get-nodes', 'kubeadm:get-nodes', [group(BOOTSTRAP_TOKENS)]),
    binding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', [group(BOOTSTRAP_TOKENS)]),
    binding(
      'kubeadm:node-autoapprove-bootstrap',
      'system:certificates.k8s.io:certificatesigningrequests:nodeclient',
      [group(BOOTSTRAP_TOKENS)],
    ),
    binding(
      'kubeadm:node-autoapprove-certificate-rotation',
      'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient',
      [group('system:nodes')],
    ),
    binding('kubeadm:node-proxier', 'system:node-proxier', [serviceAccount('kube-proxy')]),
    binding('system:coredns', 'system:coredns', [serviceAccount('coredns')]),
  ];
}
