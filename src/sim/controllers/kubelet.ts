import { rfc3339 } from '../registry/rfc3339.js';
import type { KubeObject } from '../types.js';
import { findCondition, withCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { containerFieldPath, type EventRecorder, type ObjectReference, referenceTo } from './events.js';
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
  /** Whether the image pulls were announced (Pulling) and the containers' stop (Killing). */
  pulling?: boolean;
  killing?: boolean;
  runningAt?: number;
  killAt?: number;
  grace?: number;
}

interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
}

function containersOf(pod: KubeObject): Container[] {
  const list: unknown = pod.spec?.containers;
  return Array.isArray(list) ? list.filter((c): c is Container => typeof c?.name === 'string') : [];
}

/** Go's time.Duration String() of whole milliseconds: 812ms, 1.5s, 2m3.25s. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.round(ms));
  if (whole === 0) return '0s';
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = ((whole % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  const hours = Math.floor(minutes / 60);
  if (hours > 0) return `${hours}h${minutes % 60}m${seconds}s`;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

/** A stable made-up image size (the simulator pulls nothing): 5–200 MB from the image name. */
function imageSize(image: string): number {
  let hash = 0;
  for (const char of image) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 5_000_000 + (hash % 195_000_000);
}

/** The kubelet's reference to its own node: `uid` is the node's name (kubelet.go nodeRef). */
function nodeRef(name: string): ObjectReference {
  return { kind: 'Node', name, uid: name };
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
  /** Images each node has pulled (names only), for `already present on machine`. */
  const images = new Map<string, Set<string>>();
  /** spec.unschedulable as each kubelet last saw it (false when it starts, as kubelet's lastNodeUnschedulable). */
  const lastUnschedulable = new Map<string, boolean>();
  const recorders = new Map<string, EventRecorder>();
  const recorderFor = (node: string): EventRecorder => {
    let recorder = recorders.get(node);
    if (!recorder) {
      recorder = context.events.legacy('kubelet', node);
      recorders.set(node, recorder);
    }
    return recorder;
  };

  /** Pulling when the pod's sandbox starts, for the images the pull policy makes it fetch. */
  const announcePulls = (pod: KubeObject, node: string) => {
    const recorder = recorderFor(node);
    const present = images.get(node);
    for (const container of containersOf(pod)) {
      if (!container.image || container.imagePullPolicy === 'Never') continue;
      if (container.imagePullPolicy !== 'Always' && present?.has(container.image)) continue;
      recorder.event(
        referenceTo(pod, containerFieldPath(container.name)),
        'Normal',
        'Pulling',
        `Pulling image ${JSON.stringify(container.image)}`,
      );
    }
  };

  /** Pulled, Created and Started for every container once the pod runs. */
  const announceStart = (pod: KubeObject, node: string, pulledInMs: number) => {
    const recorder = recorderFor(node);
    let present = images.get(node);
    if (!present) {
      present = new Set();
      images.set(node, present);
    }
    for (const container of containersOf(pod)) {
      const ref = referenceTo(pod, containerFieldPath(container.name));
      const image = container.image ?? '';
      const quoted = JSON.stringify(image);
      if (container.imagePullPolicy !== 'Always' && present.has(image)) {
        recorder.event(ref, 'Normal', 'Pulled', `Container image ${quoted} already present on machine`);
      } else if (container.imagePullPolicy !== 'Never') {
        const took = goDuration(pulledInMs);
        recorder.event(
          ref,
          'Normal',
          'Pulled',
          `Successfully pulled image ${quoted} in ${took} (${took} including waiting). Image size: ${imageSize(image)} bytes.`,
        );
        present.add(image);
      }
      recorder.event(ref, 'Normal', 'Created', `Created container: ${container.name}`);
      recorder.event(ref, 'Normal', 'Started', `Started container ${container.name}`);
    }
  };

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
    if (!runtime.killing && pod.status?.phase === 'Running' && typeof pod.spec?.nodeName === 'string') {
      runtime.killing = true;
      const recorder = recorderFor(pod.spec.nodeName);
      for (const container of containersOf(pod)) {
        recorder.event(
          referenceTo(pod, containerFieldPath(container.name)),
          'Normal',
          'Killing',
          `Stopping container ${container.name}`,
        );
      }
    }
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
        if (!runtime.pulling) {
          runtime.pulling = true;
          announcePulls(pod, nodeName);
        }
        if (!waiting) await writeStatus(pod, containerCreatingStatus(pod, internalIP(node), timestamp));
        queue.addAt(key, startAt);
        return;
      }
      await writeStatus(pod, runningStatus(pod, internalIP(node), podIP(pod, node), timestamp));
      announceStart(pod, nodeName, (now - runtime.seenAt) / clock.factor);
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
    // recordNodeSchedulableEvent: the kubelet reports a change of spec.unschedulable as it syncs its status.
    const unschedulable = node.spec?.unschedulable === true;
    if ((lastUnschedulable.get(name) ?? false) !== unschedulable) {
      lastUnschedulable.set(name, unschedulable);
      const status = unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable';
      recorderFor(name).event(nodeRef(name), 'Normal', status, `Node ${name} status is now: ${status}`);
    }
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
      else {
        images.delete(node.metadata.name ?? '');
        recorders.delete(node.metadata.name ?? '');
        lastUnschedulable.delete(node.metadata.name ?? '');
      }
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
