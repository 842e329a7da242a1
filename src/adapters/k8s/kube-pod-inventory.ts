import type { AppsV1Api, CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import type { PodInventory, PodQuery, PodRef, PodSummary } from '../../ports/pod-inventory.js';
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

  async failedScheduling(pod: PodRef & { uid: string }, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const list = await withTimeout(
        this.core.listNamespacedEvent({
          namespace: pod.namespace,
          fieldSelector: [
            'involvedObject.kind=Pod',
            `involvedObject.name=${pod.name}`,
            `involvedObject.uid=${pod.uid}`,
            'reason=FailedScheduling',
          ].join(','),
        }),
        15_000,
        signal,
      );
      // The scheduler writes events.k8s.io Events: the newest is the one last observed.
      const seen = (event: CoreV1Event) =>
        new Date(event.series?.lastObservedTime ?? event.lastTimestamp ?? event.eventTime ?? 0).getTime();
      const [newest] = [...list.items].sort((a, b) => seen(b) - seen(a));
      return newest?.message || undefined;
    } catch {
      if (signal?.aborted) throw signal.reason;
      // Best effort: without Events (or the right to read them) the pod's own condition still explains it.
      return undefined;
    }
  }
}
