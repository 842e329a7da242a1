import { rfc3339 } from '../registry/rfc3339.js';
import type { KubeObject } from '../types.js';
import { findCondition, withCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { objectKey } from './informer.js';
import { renewNodeLease } from './node-lease.js';
import {
  containerCreatingStatus,
  finishedStatus,
  notReadyStatus,
  readyStatus,
  runningStatus,
} from './pod-status.js';
import { isPodReady, isTerminating } from './pods.js';
import { resources } from './resources.js';
import { annotationNumber, defaultPodTimings, simAnnotations } from './sim-annotations.js';
import { WorkQueue } from './work-queue.js';

const leaseRenewMs = 10_000;

/** What the kubelet remembers about a pod it runs (real timestamps). */
interface PodRuntime {
  seenAt: number;
  runningAt?: number;
  killAt?: number;
  grace?: number;
}

function internalIP(node: KubeObject): string {
  const addresses: Array<{ type?: string; address?: string }> = node.status?.addresses ?? [];
  return addresses.find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
}

/**
 * The kubelets of every node: pod lifecycle Pending → ContainerCreating → Running → Ready after the pod's
 * start and readiness delays; Job pods finish after their run duration; on deletionTimestamp the pod turns
 * not Ready, the grace period plays (scaled), then the kubelet's final delete with grace 0 and a uid
 * precondition. A running kubelet keeps its node Ready. Nodes whose kubelet is stopped are left alone.
 */
export function startKubelets(context: ControllerContext): Controller {
  const { registry, clock, informers, agents } = context;
  const pods = informers.for(resources.pods);
  const nodes = informers.for(resources.nodes);
  const runtimes = new Map<string, PodRuntime>();
  const nextIP = new Map<string, number>();

  const podIP = (pod: KubeObject, node: KubeObject): string => {
    if (pod.spec?.hostNetwork === true) return internalIP(node);
    const cidr: string = node.spec?.podCIDR ?? '10.244.0.0/24';
    const prefix = cidr.split('.').slice(0, 3).join('.');
    const host = nextIP.get(node.metadata.name ?? '') ?? 2;
    nextIP.set(node.metadata.name ?? '', host >= 254 ? 2 : host + 1);
    return `${prefix}.${host}`;
  };

  const writeStatus = async (pod: KubeObject, status: Record<string, unknown>) => {
    const updated = await registry.update(
      resources.pods,
      pod.metadata.namespace,
      { ...pod, status },
      { subresource: 'status' },
    );
    pods.observe(updated);
  };

  const terminate = async (key: string, pod: KubeObject, runtime: PodRuntime) => {
    const now = clock.now();
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
    const killAt = now + clock.scale(grace * 1000);
    if (runtime.killAt === undefined || runtime.grace === undefined || grace < runtime.grace) {
      runtime.killAt = Math.min(runtime.killAt ?? killAt, killAt);
      runtime.grace = grace;
    }
    if (now < runtime.killAt) {
      if (isPodReady(pod)) await writeStatus(pod, notReadyStatus(pod, rfc3339(now)));
      queue.addAt(key, runtime.killAt);
      return;
    }
    const removed = await registry.delete(resources.pods, pod.metadata.namespace, pod.metadata.name ?? '', {
      gracePeriodSeconds: 0,
      preconditions: { uid: pod.metadata.uid ?? '' },
    });
    pods.observeRemoval(removed);
  };

  const reconcilePod = async (key: string, pod: KubeObject) => {
    const nodeName: unknown = pod.spec?.nodeName;
    if (typeof nodeName !== 'string' || !agents.isRunning(nodeName)) return;
    const node = nodes.get(undefined, nodeName);
    if (!node) return;
    const uid = pod.metadata.uid ?? '';
    const now = clock.now();
    let runtime = runtimes.get(uid);
    if (!runtime) {
      runtime = { seenAt: now };
      runtimes.set(uid, runtime);
    }
    if (isTerminating(pod)) return await terminate(key, pod, runtime);
    const phase: unknown = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const annotations = pod.metadata.annotations;
    const timestamp = rfc3339(now);
    if (phase !== 'Running') {
      const startAt =
        runtime.seenAt +
        clock.scale(annotationNumber(annotations, simAnnotations.startDelay, defaultPodTimings.startDelayMs));
      if (now < startAt) {
        const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating';
        if (!waiting) await writeStatus(pod, containerCreatingStatus(pod, internalIP(node), timestamp));
        queue.addAt(key, startAt);
        return;
      }
      await writeStatus(pod, runningStatus(pod, internalIP(node), podIP(pod, node), timestamp));
      runtime.runningAt = now;
      queue.add(key);
      return;
    }
    runtime.runningAt ??= now;
    const runFor = annotationNumber(annotations, simAnnotations.runDuration, Number.NaN);
    if (Number.isFinite(runFor)) {
      const finishAt = runtime.runningAt + clock.scale(runFor);
      if (now >= finishAt) {
        await writeStatus(
          pod,
          finishedStatus(pod, annotationNumber(annotations, simAnnotations.exitCode, 0), timestamp),
        );
        return;
      }
      queue.addAt(key, finishAt);
    }
    if (!isPodReady(pod)) {
      const readyAt =
        runtime.runningAt +
        clock.scale(
          annotationNumber(annotations, simAnnotations.readinessDelay, defaultPodTimings.readinessDelayMs),
        );
      if (now >= readyAt) await writeStatus(pod, readyStatus(pod, timestamp));
      else queue.addAt(key, readyAt);
    }
  };

  /** When each node's lease is due for renewal (real ms). */
  const leaseDue = new Map<string, number>();

  const heartbeat = async (node: KubeObject) => {
    const name = node.metadata.name ?? '';
    const now = clock.now();
    if ((leaseDue.get(name) ?? 0) > now) return;
    await renewNodeLease(registry, node, now);
    // Every 10 s of cluster time, but not more than once a real second, whatever the time scale.
    const next = now + Math.max(clock.scale(leaseRenewMs), 1000);
    leaseDue.set(name, next);
    queue.addAt(`node:${name}`, next);
  };

  /** A running kubelet renews its lease and posts Ready=True for its node (after a restart, or when created NotReady). */
  const reconcileNode = async (name: string) => {
    const node = nodes.get(undefined, name);
    if (!node || !agents.isRunning(name)) return;
    await heartbeat(node);
    const now = rfc3339(clock.now());
    let conditions: unknown = node.status?.conditions;
    let changed = false;
    const pressures: Array<[string, string, string]> = [
      ['MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      ['PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
    ];
    for (const [type, reason, message] of pressures) {
      if (findCondition(conditions, type)?.status !== 'Unknown') continue;
      conditions =
        withCondition(conditions, { type, status: 'False', reason, message, lastHeartbeatTime: now }, now) ??
        conditions;
      changed = true;
    }
    if (findCondition(conditions, 'Ready')?.status !== 'True') {
      const ready = {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
        lastHeartbeatTime: now,
      };
      conditions = withCondition(conditions, ready, now) ?? conditions;
      changed = true;
    }
    if (!changed) return;
    const updated = await registry.update(
      resources.nodes,
      undefined,
      { ...node, status: { ...node.status, conditions } },
      { subresource: 'status' },
    );
    nodes.observe(updated);
  };

  const queue = new WorkQueue(
    'kubelet',
    async (key) => {
      if (key.startsWith('node:')) return await reconcileNode(key.slice('node:'.length));
      const podKey = key.slice('pod:'.length);
      const slash = podKey.indexOf('/');
      const pod = pods.get(podKey.slice(0, slash), podKey.slice(slash + 1));
      if (pod) await reconcilePod(key, pod);
    },
    clock,
    context.log,
    4,
  );

  const subscriptions = [
    pods.on((type, pod) => {
      if (type === 'DELETED') {
        runtimes.delete(pod.metadata.uid ?? '');
        return;
      }
      if (pod.spec?.nodeName) queue.add(`pod:${objectKey(pod)}`);
    }),
    nodes.on((type, node) => {
      if (type !== 'DELETED') queue.add(`node:${node.metadata.name ?? ''}`);
    }),
    agents.onChange((node, running) => {
      if (!running) return;
      queue.add(`node:${node}`);
      for (const pod of pods.list()) if (pod.spec?.nodeName === node) queue.add(`pod:${objectKey(pod)}`);
    }),
  ];

  return {
    name: 'kubelet',
    start() {
      for (const node of nodes.list()) queue.add(`node:${node.metadata.name ?? ''}`);
      for (const pod of pods.list()) if (pod.spec?.nodeName) queue.add(`pod:${objectKey(pod)}`);
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
