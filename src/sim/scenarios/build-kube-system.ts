import { createHash } from 'node:crypto';
import type { KubeObject } from '../types.js';

interface StaticPodSpec {
  component: string;
  image: string;
  cpu: string;
  memory?: string;
}

function staticPods(version: string): StaticPodSpec[] {
  return [
    { component: 'etcd', image: 'registry.k8s.io/etcd:3.5.15-0', cpu: '100m', memory: '100Mi' },
    { component: 'kube-apiserver', image: `registry.k8s.io/kube-apiserver:${version}`, cpu: '250m' },
    {
      component: 'kube-controller-manager',
      image: `registry.k8s.io/kube-controller-manager:${version}`,
      cpu: '200m',
    },
    { component: 'kube-scheduler', image: `registry.k8s.io/kube-scheduler:${version}`, cpu: '100m' },
  ];
}

/**
 * The mirror pods a kubeadm control-plane node's kubelet posts for its static pods. They carry the
 * `kubernetes.io/config.mirror` annotation that makes `kubectl drain` skip them, and the Node as controller
 * owner. `ownerReferences[0].uid` is filled in once the node exists.
 */
export function buildMirrorPods(nodeName: string, version: string): KubeObject[] {
  return staticPods(version).map(({ component, image, cpu, memory }) => {
    const hash = createHash('sha256').update(`${nodeName}/${component}/${image}`).digest('hex').slice(0, 32);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${component}-${nodeName}`,
        namespace: 'kube-system',
        labels: { component, tier: 'control-plane' },
        annotations: {
          'kubernetes.io/config.hash': hash,
          'kubernetes.io/config.mirror': hash,
          'kubernetes.io/config.source': 'file',
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: '', controller: true }],
      },
      spec: {
        nodeName,
        containers: [
          {
            name: component,
            image,
            imagePullPolicy: 'IfNotPresent',
            resources: { requests: { cpu, ...(memory ? { memory } : {}) } },
          },
        ],
        hostNetwork: true,
        priority: 2000001000,
        priorityClassName: 'system-node-critical',
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
        dnsPolicy: 'ClusterFirst',
        schedulerName: 'default-scheduler',
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      },
    };
  });
}

/** kube-proxy, one per node and tolerating every taint, as kubeadm installs it. */
export function buildKubeProxy(version: string): KubeObject {
  const labels = { 'k8s-app': 'kube-proxy' };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'kube-proxy',
              image: `registry.k8s.io/kube-proxy:${version}`,
              imagePullPolicy: 'IfNotPresent',
              resources: {},
            },
          ],
          hostNetwork: true,
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          tolerations: [{ operator: 'Exists' }],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          securityContext: {},
        },
      },
    },
  };
}

/** CoreDNS with kubeadm's two replicas, allowed onto control-plane nodes. */
export function buildCoreDns(): KubeObject {
  const labels = { 'k8s-app': 'kube-dns' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'coredns',
              image: 'registry.k8s.io/coredns/coredns:v1.11.3',
              imagePullPolicy: 'IfNotPresent',
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
            },
          ],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'Default',
          schedulerName: 'default-scheduler',
          securityContext: {},
        },
      },
    },
  };
}
