import { rfc3339 } from '../registry/rfc3339.js';
import { type KubeObject, StatusError } from '../types.js';
import { findCondition, withCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { referenceTo } from './events.js';
import { objectKey } from './informer.js';
import { controllerRefOf } from './owner-references.js';
import { isFinished, isTerminating, podRequests, type ResourceAmounts } from './pods.js';
import { resources } from './resources.js';
import { type FitResult, fitPod, type NodeUsage, preFilterFailureMessage } from './scheduler-fit.js';
import { planVolumes } from './scheduler-volumes.js';
import { volumeAnnotations } from './volumes.js';
import { WorkQueue } from './work-queue.js';

/** How long an unschedulable pod waits before the scheduler tries it again without any cluster event. */
const unschedulableRetryMs = 60_000;

function wantsDefaultScheduler(pod: KubeObject): boolean {
  const name: unknown = pod.spec?.schedulerName;
  return name === undefined || name === 'default-scheduler';
}

function needsScheduling(pod: KubeObject): boolean {
  return !pod.spec?.nodeName && !isTerminating(pod) && !isFinished(pod) && wantsDefaultScheduler(pod);
}

/**
 * kube-scheduler: binds pending pods through `pods/binding` to a node that passes the default filters
 * (unschedulable, taints, node affinity/selector, allocatable), spreading replicas of one owner, or writes
 * `PodScheduled=False/Unschedulable` with kube-scheduler's message and tries again when the cluster changes.
 */
export function startScheduler(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const pods = informers.for(resources.pods);
  const nodes = informers.for(resources.nodes);
  const claims = informers.for(resources.persistentVolumeClaims);
  const persistentVolumes = informers.for(resources.persistentVolumes);
  const classes = informers.for(resources.storageClasses);
  /** Bindings made but not yet seen in the cache, so two quick decisions do not overfill a node. */
  const assumed = new Map<string, { node: string; request: ResourceAmounts; owner: string | undefined }>();
  /** kube-scheduler's reportingInstance is `default-scheduler-<hostname>`: the first control-plane node's name. */
  const host = () =>
    [...nodes.list()]
      .filter((node) => 'node-role.kubernetes.io/control-plane' in (node.metadata.labels ?? {}))
      .map((node) => node.metadata.name ?? '')
      .sort()[0] ?? 'kube-scheduler';
  const recorder = context.events.modern('default-scheduler', host);

  const usageByNode = (owner: string | undefined): NodeUsage[] => {
    const usage = new Map<string, NodeUsage>();
    for (const node of nodes.list()) {
      usage.set(node.metadata.name ?? '', { node, requested: { cpu: 0, memory: 0, pods: 0 }, siblings: 0 });
    }
    const count = (nodeName: string, request: ResourceAmounts, podOwner: string | undefined) => {
      const entry = usage.get(nodeName);
      if (!entry) return;
      entry.requested.cpu += request.cpu;
      entry.requested.memory += request.memory;
      entry.requested.pods += request.pods;
      if (owner !== undefined && podOwner === owner) entry.siblings += 1;
    };
    for (const pod of pods.list()) {
      const nodeName: unknown = pod.spec?.nodeName;
      if (typeof nodeName !== 'string' || isFinished(pod)) continue;
      assumed.delete(objectKey(pod));
      count(nodeName, podRequests(pod), controllerRefOf(pod)?.uid);
    }
    for (const binding of assumed.values()) count(binding.node, binding.request, binding.owner);
    return [...usage.values()];
  };

  const reconcile = async (key: string) => {
    const slash = key.indexOf('/');
    const pod = pods.get(key.slice(0, slash), key.slice(slash + 1));
    if (!pod || !needsScheduling(pod) || assumed.has(key)) return;
    const owner = controllerRefOf(pod)?.uid;
    const request = podRequests(pod);
    const namespace = pod.metadata.namespace;
    const name = pod.metadata.name ?? '';
    const volumes = planVolumes(pod, { claims, volumes: persistentVolumes, classes });
    // Provisioning for the chosen node: the claims' binding brings the pod back.
    if (volumes.kind === 'waiting') return;
    const result: FitResult =
      volumes.kind === 'rejected'
        ? { fits: false, message: preFilterFailureMessage([...nodes.list()].length, volumes.message) }
        : fitPod(pod, request, usageByNode(owner), volumes.filter);
    if (result.fits && volumes.kind === 'ok' && volumes.toProvision.length > 0) {
      // PreBind: the volumes of WaitForFirstConsumer claims are provisioned for this node first.
      for (const claim of volumes.toProvision) {
        const updated = await registry.update(resources.persistentVolumeClaims, namespace, {
          ...claim,
          metadata: {
            ...claim.metadata,
            annotations: { ...claim.metadata.annotations, [volumeAnnotations.selectedNode]: result.node },
          },
        });
        claims.observe(updated);
      }
      return;
    }
    if (result.fits) {
      assumed.set(key, { node: result.node, request, owner });
      try {
        await registry.invokeSubresource({
          verb: 'create',
          ref: resources.pods,
          namespace,
          name,
          subresource: 'binding',
          body: {
            apiVersion: 'v1',
            kind: 'Binding',
            metadata: { name, namespace },
            target: { apiVersion: 'v1', kind: 'Node', name: result.node },
          },
          dryRun: false,
        });
      } catch (error) {
        assumed.delete(key);
        // 409: bound or deleted meanwhile; the watch will tell.
        if (error instanceof StatusError && error.code === 409) return;
        throw error;
      }
      recorder.event(
        referenceTo(pod),
        'Normal',
        'Scheduled',
        `Successfully assigned ${namespace}/${name} to ${result.node}`,
        'Binding',
      );
      return;
    }
    // handleSchedulingFailure records the event about the pod as it was tried, then updates its condition.
    recorder.event(referenceTo(pod), 'Warning', 'FailedScheduling', result.message, 'Scheduling');
    const now = rfc3339(clock.now());
    const current = findCondition(pod.status?.conditions, 'PodScheduled');
    if (current?.status !== 'False' || current.message !== result.message) {
      const conditions = withCondition(
        pod.status?.conditions,
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: result.message,
          lastProbeTime: null,
        },
        now,
      );
      if (conditions) {
        const updated = await registry.update(
          resources.pods,
          namespace,
          { ...pod, status: { ...(pod.status ?? {}), conditions } },
          { subresource: 'status' },
        );
        pods.observe(updated);
      }
    }
    queue.addAfter(key, unschedulableRetryMs);
  };

  const queue = new WorkQueue('scheduler', reconcile, clock, context.log);

  const retryPending = () => {
    for (const pod of pods.list()) if (needsScheduling(pod)) queue.add(objectKey(pod));
  };

  const subscriptions = [
    pods.on((type, pod) => {
      if (type === 'DELETED') assumed.delete(objectKey(pod));
      else if (needsScheduling(pod)) queue.add(objectKey(pod));
      // Room freed on a node: pending pods get another chance.
      if ((type === 'DELETED' || isTerminating(pod)) && pod.spec?.nodeName) retryPending();
    }),
    nodes.on(() => retryPending()),
    // A claim created, bound or provisioned may let a pending pod through.
    claims.on(() => retryPending()),
  ];

  return {
    name: 'scheduler',
    start: retryPending,
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
