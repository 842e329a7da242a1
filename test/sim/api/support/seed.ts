import type { SimRegistry } from '../../../../src/sim/registry/sim-registry.js';
import type { KubeObject } from '../../../../src/sim/types.js';

export const NODES = { group: '', resource: 'nodes' };
export const PODS = { group: '', resource: 'pods' };
export const NAMESPACES = { group: '', resource: 'namespaces' };
export const CONFIGMAPS = { group: '', resource: 'configmaps' };
export const DEPLOYMENTS = { group: 'apps', resource: 'deployments' };
export const PDBS = { group: 'policy', resource: 'poddisruptionbudgets' };

export function nodeObject(
  name: string,
  options: { role?: string; version?: string; ip?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        ...(options.role ? { [`node-role.kubernetes.io/${options.role}`]: '' } : {}),
      },
    },
    spec: {},
    status: {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [{ type: 'InternalIP', address: options.ip ?? '10.0.0.1' }],
      nodeInfo: {
        kubeletVersion: options.version ?? 'v1.31.4',
        kubeProxyVersion: options.version ?? 'v1.31.4',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-28-amd64',
        containerRuntimeVersion: 'containerd://1.7.24',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

export function podObject(
  name: string,
  namespace: string,
  nodeName?: string,
  labels: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...(nodeName ? { nodeName } : {}) },
  };
}

/** Namespaces `default` and `kube-system` plus what the test asks for. */
export async function seedNamespaces(registry: SimRegistry, ...names: string[]): Promise<void> {
  for (const name of ['default', 'kube-system', ...names]) {
    await registry.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
}

/** Marks a pod Running and Ready, as the kubelet would. */
export async function markRunning(
  registry: SimRegistry,
  namespace: string,
  name: string,
  ip = '10.244.0.5',
): Promise<KubeObject> {
  const pod = await registry.get(PODS, namespace, name);
  return await registry.update(
    PODS,
    namespace,
    {
      ...pod,
      status: {
        ...pod.status,
        phase: 'Running',
        podIP: ip,
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'app',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: pod.metadata.creationTimestamp } },
          },
        ],
      },
    },
    { subresource: 'status' },
  );
}
