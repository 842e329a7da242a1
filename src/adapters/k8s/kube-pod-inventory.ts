import type { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { PodInventory, PodQuery, PodSummary } from '../../ports/pod-inventory.js';
import { statusOf, translateClusterError } from './cluster-errors.js';
import { podSummary } from './pod-summary.js';
import { withTimeout } from './with-timeout.js';

/** Lists pods as kubectl drain does (all namespaces, `spec.nodeName` field selector, pages of 500). */
export class KubePodInventory implements PodInventory {
  constructor(
    private readonly core: CoreV1Api,
    private readonly apps: AppsV1Api,
    private readonly cluster: string,
  ) {}

  async listPods(query: PodQuery, signal?: AbortSignal): Promise<PodSummary[]> {
    const pods: PodSummary[] = [];
    let next: string | undefined;
    try {
      for (let page = 0; page < 1000; page++) {
        const list = await withTimeout(
          this.core.listPodForAllNamespaces({
            fieldSelector: query.node ? `spec.nodeName=${query.node}` : undefined,
            labelSelector: query.labelSelector,
            limit: 500,
            _continue: next,
          }),
          30_000,
          signal,
        );
        pods.push(...list.items.map(podSummary));
        next = list.metadata?._continue || undefined;
        if (!next) break;
      }
      return pods;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateClusterError(error, this.cluster);
    }
  }

  async daemonSet(namespace: string, name: string, signal?: AbortSignal) {
    try {
      await withTimeout(this.apps.readNamespacedDaemonSet({ name, namespace }), 15_000, signal);
      return { exists: true } as const;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const status = statusOf(error);
      if (status?.code === 404) {
        return { exists: false, message: status.message ?? `daemonsets.apps "${name}" not found` } as const;
      }
      throw translateClusterError(error, this.cluster);
    }
  }
}
