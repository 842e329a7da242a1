import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import type { NodeReader, NodeSummary } from '../../ports/cluster.js';
import { translateClusterError } from './cluster-errors.js';
import { withTimeout } from './with-timeout.js';

export function nodeSummary(node: V1Node): NodeSummary {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    createdAt: node.metadata?.creationTimestamp ? new Date(node.metadata.creationTimestamp).getTime() : 0,
    unschedulable: node.spec?.unschedulable === true,
    ready: ready === 'True' || ready === 'False' || ready === 'Unknown' ? ready : undefined,
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? '',
  };
}

export class KubeNodeReader implements NodeReader {
  constructor(
    private readonly core: CoreV1Api,
    private readonly cluster: string,
  ) {}

  async listNodes(signal?: AbortSignal): Promise<NodeSummary[]> {
    try {
      const list = await withTimeout(this.core.listNode(), 15_000, signal);
      return list.items.map(nodeSummary);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateClusterError(error, this.cluster);
    }
  }
}
