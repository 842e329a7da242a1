import { createHash } from 'node:crypto';
import { parseQuantity } from '../../shared/quantity.js';
import type { KubeObject } from '../types.js';
import { nodeNames } from './node-names.js';
import type { Scenario, ScenarioNodeGroup, ScenarioResources } from './scenario-schema.js';

const defaults = {
  'control-plane': { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
  worker: { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '200Gi' },
} as const;

/** Memory and storage the way a kubelet reports them: whole Ki. */
function kibibytes(quantity: string): string {
  return `${Math.floor((parseQuantity(quantity) ?? 0) / 1024)}Ki`;
}

function capacityOf(group: ScenarioNodeGroup): Record<string, string> {
  const given: ScenarioResources = group.capacity ?? {};
  const base = defaults[group.role];
  return {
    cpu: given.cpu ?? base.cpu,
    'ephemeral-storage': kibibytes(given['ephemeral-storage'] ?? base['ephemeral-storage']),
    memory: kibibytes(given.memory ?? base.memory),
    pods: given.pods ?? base.pods,
  };
}

/** kubeadm's kubelet keeps 100Mi back for hard eviction; everything else is allocatable. */
function allocatableOf(group: ScenarioNodeGroup, capacity: Record<string, string>): Record<string, string> {
  const given: ScenarioResources = group.allocatable ?? {};
  const memory = (parseQuantity(capacity.memory ?? '0') ?? 0) - 100 * 2 ** 20;
  return {
    cpu: given.cpu ?? capacity.cpu ?? '0',
    'ephemeral-storage': given['ephemeral-storage']
      ? kibibytes(given['ephemeral-storage'])
      : (capacity['ephemeral-storage'] ?? '0'),
    memory: given.memory ? kibibytes(given.memory) : `${Math.max(0, Math.floor(memory / 1024))}Ki`,
    pods: given.pods ?? capacity.pods ?? '110',
  };
}

function stableId(seed: string, length = 32): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function uuidFrom(seed: string): string {
  const hex = stableId(seed);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The Ready condition a kubelet posts, or the one the node lifecycle controller writes when it stops. */
export function readyCondition(ready: boolean, now: string): Record<string, string> {
  return ready
    ? {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      }
    : {
        type: 'Ready',
        status: 'Unknown',
        reason: 'NodeStatusUnknown',
        message: 'Kubelet stopped posting node status.',
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      };
}

/**
 * Nodes as a kubeadm cluster registers them: kubelet labels, the control-plane role label and NoSchedule
 * taint, capacity and allocatable, pressure conditions, and `status.nodeInfo` with the versions kubectl shows.
 */
export function buildNodes(scenario: Scenario, now: string): KubeObject[] {
  const names = nodeNames(scenario);
  const nodes: KubeObject[] = [];
  let index = 0;
  scenario.nodes.forEach((group, groupIndex) => {
    for (const name of names[groupIndex] ?? []) {
      index += 1;
      const kubeletVersion = group.kubeletVersion ?? scenario.kubernetesVersion;
      const controlPlane = group.role === 'control-plane';
      const capacity = capacityOf(group);
      const labels: Record<string, string> = {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...(controlPlane
          ? {
              'node-role.kubernetes.io/control-plane': '',
              'node.kubernetes.io/exclude-from-external-load-balancers': '',
            }
          : {}),
        ...group.labels,
      };
      const taints = [
        ...(controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []),
        ...(group.taints ?? []),
      ];
      const pressure = (type: string, reason: string, message: string) => ({
        type,
        status: 'False',
        reason,
        message,
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      });
      nodes.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels,
          annotations: {
            'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
            'node.alpha.kubernetes.io/ttl': '0',
            'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
          },
        },
        spec: {
          podCIDR: `10.244.${index}.0/24`,
          podCIDRs: [`10.244.${index}.0/24`],
          ...(taints.length > 0 ? { taints } : {}),
          ...(group.unschedulable ? { unschedulable: true } : {}),
        },
        status: {
          addresses: [
            { type: 'InternalIP', address: `10.0.0.${10 + index}` },
            { type: 'Hostname', address: name },
          ],
          capacity,
          allocatable: allocatableOf(group, capacity),
          conditions: [
            pressure(
              'MemoryPressure',
              'KubeletHasSufficientMemory',
              'kubelet has sufficient memory available',
            ),
            pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
            pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
            readyCondition(group.ready, now),
          ],
          daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
          nodeInfo: {
            architecture: 'amd64',
            bootID: uuidFrom(`${name}/boot`),
            containerRuntimeVersion: group.containerRuntimeVersion ?? 'containerd://1.7.24',
            kernelVersion: group.kernelVersion ?? '6.1.0-28-amd64',
            kubeProxyVersion: kubeletVersion,
            kubeletVersion,
            machineID: stableId(`${name}/machine`),
            operatingSystem: 'linux',
            osImage: group.osImage ?? 'Debian GNU/Linux 12 (bookworm)',
            systemUUID: uuidFrom(`${name}/system`),
          },
        },
      });
    }
  });
  return nodes;
}
