import { type CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { NodeSummary } from '../../ports/cluster.js';
import type { NodeScheduling } from '../../ports/node-scheduling.js';
import { statusOf, translateClusterError } from './cluster-errors.js';
import { nodeSummary } from './node-reader.js';
import { withTimeout } from './with-timeout.js';

/** cordon/uncordon as kubectl sends them: a strategic merge patch of `spec.unschedulable` (null to clear). */
export class KubeNodeScheduling implements NodeScheduling {
  constructor(
    private readonly core: CoreV1Api,
    private readonly cluster: string,
  ) {}

  async readNode(name: string, signal?: AbortSignal): Promise<NodeSummary | undefined> {
    try {
      return nodeSummary(await withTimeout(this.core.readNode({ name }), 15_000, signal));
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (statusOf(error)?.code === 404) return undefined;
      throw translateClusterError(error, this.cluster);
    }
  }

  async setUnschedulable(name: string, unschedulable: boolean, signal?: AbortSignal): Promise<NodeSummary> {
    try {
      const node = await withTimeout(
        this.core.patchNode(
          { name, body: { spec: { unschedulable: unschedulable ? true : null } } },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        ),
        15_000,
        signal,
      );
      return nodeSummary(node);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateClusterError(error, this.cluster);
    }
  }
}
