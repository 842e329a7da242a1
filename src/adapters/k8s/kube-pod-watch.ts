import type { CoreV1Api, KubeConfig, V1Pod } from '@kubernetes/client-node';
import type { PodChange, PodWatch, Subscription } from '../../ports/pod-watch.js';
import type { Clock } from '../../shared/clock.js';
import { translateClusterError } from './cluster-errors.js';
import { podSummary } from './pod-summary.js';
import { startResilientWatch } from './resilient-watch.js';
import { withTimeout } from './with-timeout.js';

/** The pods of one node, listed then watched (`fieldSelector=spec.nodeName=<node>`). */
export class KubePodWatch implements PodWatch {
  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly core: CoreV1Api,
    private readonly cluster: string,
    private readonly clock: Clock,
  ) {}

  async watchNodePods(
    node: string,
    listener: (change: PodChange) => void,
    signal?: AbortSignal,
  ): Promise<Subscription> {
    const fieldSelector = `spec.nodeName=${node}`;
    try {
      return await startResilientWatch<V1Pod>({
        kubeConfig: this.kubeConfig,
        path: '/api/v1/pods',
        query: { fieldSelector },
        list: async () => {
          const list = await withTimeout(
            this.core.listPodForAllNamespaces({ fieldSelector }),
            30_000,
            signal,
          );
          return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
        },
        onUpsert: (pod) => listener({ type: 'upsert', pod: podSummary(pod) }),
        onDelete: (pod) => listener({ type: 'deleted', pod: podSummary(pod) }),
        clock: this.clock,
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateClusterError(error, this.cluster);
    }
  }
}
