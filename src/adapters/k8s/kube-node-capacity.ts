import type { CoreV1Api } from '@kubernetes/client-node';
import type { NodeCapacities, NodeCapacity, Taint } from '../../ports/node-capacity.js';
import { bytes, cpuMillis, parseQuantity } from '../../shared/quantity.js';
import { translateClusterError } from './cluster-errors.js';
import { withTimeout } from './with-timeout.js';

/** What each node offers to new pods: allocatable, labels, taints, cordon and readiness. */
export class KubeNodeCapacity implements NodeCapacities {
  constructor(
    private readonly core: CoreV1Api,
    private readonly cluster: string,
  ) {}

  async listNodeCapacity(signal?: AbortSignal): Promise<NodeCapacity[]> {
    try {
      const list = await withTimeout(this.core.listNode(), 15_000, signal);
      return list.items.map((node) => {
        const allocatable = node.status?.allocatable ?? node.status?.capacity ?? {};
        return {
          name: node.metadata?.name ?? '',
          labels: node.metadata?.labels ?? {},
          unschedulable: node.spec?.unschedulable === true,
          ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
          taints: (node.spec?.taints ?? []) as Taint[],
          allocatable: {
            cpuMillis: cpuMillis(allocatable.cpu),
            memoryBytes: bytes(allocatable.memory),
            pods: Math.round(parseQuantity(allocatable.pods) ?? 110),
          },
        };
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateClusterError(error, this.cluster);
    }
  }
}
