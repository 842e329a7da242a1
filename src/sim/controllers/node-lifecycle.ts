import { rfc3339 } from '../registry/rfc3339.js';
import { type KubeObject, StatusError } from '../types.js';
import { findCondition, withCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { objectKey } from './informer.js';
import { notReadyStatus } from './pod-status.js';
import { isPodReady, isTerminating } from './pods.js';
import { resources } from './resources.js';
import type { Taint, Toleration } from './tolerations.js';
import { toleratesTaint } from './tolerations.js';
import { WorkQueue } from './work-queue.js';

const unschedulableKey = 'node.kubernetes.io/unschedulable';
const notReadyKey = 'node.kubernetes.io/not-ready';
const unreachableKey = 'node.kubernetes.io/unreachable';

/** The taints a node's Ready condition calls for (NodeLifecycleController with taint-based evictions). */
function readinessTaints(ready: string | undefined): Array<Pick<Taint, 'key' | 'effect'>> {
  if (ready === 'False')
    return [
      { key: notReadyKey, effect: 'NoSchedule' },
      { key: notReadyKey, effect: 'NoExecute' },
    ];
  if (ready === 'Unknown')
    return [
      { key: unreachableKey, effect: 'NoSchedule' },
      { key: unreachableKey, effect: 'NoExecute' },
    ];
  return [];
}

/**
 * Seconds a pod may stay on a node with this NoExecute taint: undefined if forever (a toleration without
 * tolerationSeconds), 0 if not tolerated. The API server's DefaultTolerationSeconds gives pods 300 s.
 */
function toleratedFor(pod: KubeObject, taint: Taint): number | undefined {
  const tolerations: Toleration[] = pod.spec?.tolerations ?? [];
  let best: number | undefined = 0;
  for (const toleration of tolerations) {
    if (!toleratesTaint(toleration, taint)) continue;
    if (toleration.tolerationSeconds === undefined) return undefined;
    best = Math.max(best ?? 0, toleration.tolerationSeconds);
  }
  return best;
}

/**
 * The node lifecycle controller, its taint manager and the pod garbage collector: the `node.kubernetes.io/unschedulable:NoSchedule`
 * taint follows `spec.unschedulable`; a node whose kubelet stopped gets Ready=Unknown, the `unreachable`
 * taints and its pods marked not Ready; a node Ready=False gets the `not-ready` taints; pods that do not
 * tolerate those NoExecute taints are evicted when their toleration runs out (300 s by default, scaled),
 * and their controllers recreate them elsewhere; pods bound to a deleted node are removed.
 */
export function startNodeLifecycle(context: ControllerContext): Controller {
  const { registry, clock, informers, agents } = context;
  const nodes = informers.for(resources.nodes);
  const pods = informers.for(resources.pods);
  /** When (real ms) we put a NoExecute taint on a node: its timeAdded has only second precision. */
  const taintedAt = new Map<string, number>();
  const recorder = context.events.legacy('node-controller');
  const taintRecorder = context.events.legacy('taint-eviction-controller');

  const markStopped = async (node: KubeObject): Promise<KubeObject> => {
    const now = rfc3339(clock.now());
    const wasReady = findCondition(node.status?.conditions, 'Ready')?.status === 'True';
    let conditions: unknown = node.status?.conditions;
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']) {
      const old = findCondition(conditions, type);
      if (!old || old.status === 'Unknown') continue;
      conditions =
        withCondition(
          conditions,
          {
            type,
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            lastHeartbeatTime: old.lastHeartbeatTime ?? now,
          },
          now,
        ) ?? conditions;
    }
    const updated = await registry.update(
      resources.nodes,
      undefined,
      { ...node, status: { ...node.status, conditions } },
      { subresource: 'status' },
    );
    nodes.observe(updated);
    if (wasReady) {
      // RecordNodeStatusChange (pkg/controller/util/node): about the node, its uid, no namespace.
      const name = node.metadata.name ?? '';
      recorder.event(
        { apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid },
        'Normal',
        'NodeNotReady',
        `Node ${name} status is now: NodeNotReady`,
      );
    }
    // MarkPodsNotReady: nothing on the node answers its readiness probes any more.
    for (const pod of pods.list()) {
      if (pod.spec?.nodeName !== node.metadata.name || !isPodReady(pod)) continue;
      const written = await registry.update(
        resources.pods,
        pod.metadata.namespace,
        { ...pod, status: notReadyStatus(pod, now) },
        { subresource: 'status' },
      );
      pods.observe(written);
    }
    return updated;
  };

  const evict = async (pod: KubeObject) => {
    const now = rfc3339(clock.now());
    const { namespace, name } = pod.metadata;
    taintRecorder.event(
      { apiVersion: 'v1', kind: 'Pod', name, namespace },
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${namespace}/${name}`,
    );
    const conditions = withCondition(
      pod.status?.conditions,
      {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint',
        lastProbeTime: null,
      },
      now,
    );
    let current = pod;
    if (conditions) {
      current = await registry.update(
        resources.pods,
        pod.metadata.namespace,
        { ...pod, status: { ...pod.status, conditions } },
        { subresource: 'status' },
      );
    }
    const deleted = await registry.delete(
      resources.pods,
      current.metadata.namespace,
      current.metadata.name ?? '',
      {
        preconditions: { uid: current.metadata.uid ?? '' },
      },
    );
    pods.observeDeletion(deleted);
  };

  /** PodGC: pods bound to a node that no longer exists are force-deleted. */
  const collectOrphans = async (name: string) => {
    for (const pod of [...pods.list()]) {
      if (pod.spec?.nodeName !== name) continue;
      try {
        pods.observeRemoval(
          await registry.delete(resources.pods, pod.metadata.namespace, pod.metadata.name ?? '', {
            gracePeriodSeconds: 0,
            preconditions: { uid: pod.metadata.uid ?? '' },
          }),
        );
      } catch (error) {
        if (!(error instanceof StatusError && (error.code === 404 || error.code === 409))) throw error;
      }
    }
  };

  const reconcile = async (name: string) => {
    let node = nodes.get(undefined, name);
    if (!node) {
      taintedAt.delete(name);
      await collectOrphans(name);
      return;
    }
    if (!agents.isRunning(name) && findCondition(node.status?.conditions, 'Ready')?.status !== 'Unknown') {
      node = await markStopped(node);
    }
    const ready = findCondition(node.status?.conditions, 'Ready')?.status;
    const wanted = [
      ...readinessTaints(ready),
      ...(node.spec?.unschedulable === true ? [{ key: unschedulableKey, effect: 'NoSchedule' }] : []),
    ];
    const managed = new Set([unschedulableKey, notReadyKey, unreachableKey]);
    const taints: Taint[] = node.spec?.taints ?? [];
    const kept = taints.filter(
      (t) => !managed.has(t.key) || wanted.some((w) => w.key === t.key && w.effect === t.effect),
    );
    const now = clock.now();
    const added = wanted
      .filter((w) => !kept.some((t) => t.key === w.key && t.effect === w.effect))
      .map((w) => (w.effect === 'NoExecute' ? { ...w, timeAdded: rfc3339(now) } : { ...w }));
    if (added.length > 0 || kept.length !== taints.length) {
      const next = [...kept, ...added];
      const updated = await registry.patch(resources.nodes, undefined, name, 'merge', {
        metadata: { resourceVersion: node.metadata.resourceVersion },
        spec: { taints: next.length > 0 ? next : null },
      });
      nodes.observe(updated);
      node = updated;
      if (added.some((t) => t.effect === 'NoExecute')) taintedAt.set(name, now);
    }

    // Taint manager: pods that do not tolerate a NoExecute taint leave when their toleration runs out.
    const noExecute = (node.spec?.taints ?? []).filter((t: Taint) => t.effect === 'NoExecute') as Taint[];
    if (noExecute.length === 0) {
      taintedAt.delete(name);
      return;
    }
    const since =
      taintedAt.get(name) ?? Math.min(...noExecute.map((t) => Date.parse(t.timeAdded ?? '') || now));
    for (const pod of pods.list()) {
      if (pod.spec?.nodeName !== name || isTerminating(pod)) continue;
      let seconds: number | undefined;
      for (const taint of noExecute) {
        const allowed = toleratedFor(pod, taint);
        if (allowed === undefined) continue;
        seconds = seconds === undefined ? allowed : Math.min(seconds, allowed);
      }
      if (seconds === undefined) continue;
      const evictAt = since + clock.scale(seconds * 1000);
      if (now >= evictAt) await evict(pod);
      else queue.addAt(name, evictAt);
    }
  };

  const queue = new WorkQueue('node-lifecycle', reconcile, clock, context.log);

  const subscriptions = [
    nodes.on((_type, node) => queue.add(objectKey(node))),
    pods.on((type, pod) => {
      if (type === 'ADDED' && typeof pod.spec?.nodeName === 'string') {
        const node = nodes.get(undefined, pod.spec.nodeName);
        if (node?.spec?.taints?.some((t: Taint) => t.effect === 'NoExecute')) queue.add(pod.spec.nodeName);
      }
    }),
    agents.onChange((node) => queue.add(node)),
  ];

  return {
    name: 'node-lifecycle',
    start() {
      for (const node of nodes.list()) queue.add(objectKey(node));
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
