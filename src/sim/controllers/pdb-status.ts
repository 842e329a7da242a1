import { rfc3339 } from '../registry/rfc3339.js';
import type { KubeObject, OwnerReference } from '../types.js';
import { findCondition, withCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { objectKey } from './informer.js';
import { controllerRefOf } from './owner-references.js';
import {
  type ControllerScale,
  computePdbStatus,
  disruptedPodTimeoutMs,
  podsSelectedBy,
} from './pdb-arithmetic.js';
import { isTerminating } from './pods.js';
import { resources } from './resources.js';
import { writeStatus } from './status-writer.js';
import { WorkQueue } from './work-queue.js';

/**
 * Entries younger than this (real time) are never expired, whatever the time scale: disruptedPods times have
 * second precision, and an eviction's entry must outlive the moment until its pod is marked terminating.
 */
const minimumExpiryMs = 2000;

/**
 * The disruption controller: recomputes every PodDisruptionBudget's status (contract 4.2) on each pod, PDB
 * or workload change, expires `disruptedPods` entries after 2 minutes (scaled), and resets a
 * `DisruptionTarget` condition left on a pod that was never deleted.
 */
export function startPdbStatusController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const budgets = informers.for(resources.podDisruptionBudgets);
  const pods = informers.for(resources.pods);
  const deployments = informers.for(resources.deployments);
  const replicaSets = informers.for(resources.replicaSets);
  const statefulSets = informers.for(resources.statefulSets);
  const replicationControllers = informers.for(resources.replicationControllers);
  const timeout = () => Math.max(clock.scale(disruptedPodTimeoutMs), minimumExpiryMs);

  /** The finders of the disruption controller: RC, Deployment (through its RS), RS, StatefulSet, else no scale. */
  const lookup = (ref: OwnerReference, namespace: string): ControllerScale | undefined | Error => {
    const scaleOf = (object: KubeObject | undefined): ControllerScale | undefined =>
      object && object.metadata.uid === ref.uid
        ? { uid: object.metadata.uid ?? '', scale: Number(object.spec?.replicas ?? 1) }
        : undefined;
    switch (ref.kind) {
      case 'ReplicationController':
        return scaleOf(replicationControllers.get(namespace, ref.name));
      case 'StatefulSet':
        return scaleOf(statefulSets.get(namespace, ref.name));
      case 'ReplicaSet': {
        const rs = replicaSets.get(namespace, ref.name);
        if (!rs || rs.metadata.uid !== ref.uid) return undefined;
        const owner = controllerRefOf(rs);
        if (owner?.kind === 'Deployment') {
          const deployment = deployments.get(namespace, owner.name);
          return deployment && deployment.metadata.uid === owner.uid
            ? { uid: deployment.metadata.uid ?? '', scale: Number(deployment.spec?.replicas ?? 1) }
            : undefined;
        }
        return scaleOf(rs);
      }
      case 'Deployment':
        return scaleOf(deployments.get(namespace, ref.name));
      default: {
        const info = registry.catalog.find(
          (r) => r.kind === ref.kind && `${r.group ? `${r.group}/` : ''}${r.version}` === ref.apiVersion,
        );
        const resource = info
          ? info.group
            ? `${info.resource}.${info.group}`
            : info.resource
          : ref.kind.toLowerCase();
        return new Error(`${resource} does not implement the scale subresource`);
      }
    }
  };

  const reconcileBudget = async (key: string) => {
    const slash = key.indexOf('/');
    const pdb = budgets.get(key.slice(0, slash), key.slice(slash + 1));
    if (!pdb) return;
    const now = clock.now();
    const matched = podsSelectedBy(pdb, pods.inNamespace(pdb.metadata.namespace));
    const { status, recheckAt } = computePdbStatus(pdb, matched, lookup, now, timeout());
    await writeStatus(registry, resources.podDisruptionBudgets, budgets, pdb, {
      ...status,
      disruptedPods: status.disruptedPods,
    });
    if (recheckAt !== undefined) queue.addAt(key, recheckAt);
  };

  /** A pod left with DisruptionTarget=True but never deleted gets it reset after the same timeout. */
  const reconcileStalePod = async (key: string) => {
    const slash = key.indexOf('/');
    const pod = pods.get(key.slice(0, slash), key.slice(slash + 1));
    const target = pod && findCondition(pod.status?.conditions, 'DisruptionTarget');
    if (!pod || target?.status !== 'True' || isTerminating(pod)) return;
    const since = stale.get(key) ?? clock.now();
    stale.set(key, since);
    const due = since + timeout();
    if (clock.now() < due) {
      queue.addAt(`pod:${key}`, due);
      return;
    }
    stale.delete(key);
    const conditions = withCondition(
      pod.status?.conditions,
      { type: 'DisruptionTarget', status: 'False', lastProbeTime: null },
      rfc3339(clock.now()),
    );
    if (!conditions) return;
    pods.observe(
      await registry.update(
        resources.pods,
        pod.metadata.namespace,
        { ...pod, status: { ...pod.status, conditions } },
        { subresource: 'status' },
      ),
    );
  };
  const stale = new Map<string, number>();

  const queue = new WorkQueue(
    'disruption',
    async (key) => {
      if (key.startsWith('pod:')) await reconcileStalePod(key.slice('pod:'.length));
      else await reconcileBudget(key);
    },
    clock,
    context.log,
  );

  const budgetsIn = (namespace: string | undefined) => {
    for (const pdb of budgets.inNamespace(namespace)) queue.add(objectKey(pdb));
  };

  const subscriptions = [
    budgets.on((type, pdb) => {
      if (type !== 'DELETED') queue.add(objectKey(pdb));
    }),
    pods.on((type, pod) => {
      budgetsIn(pod.metadata.namespace);
      const target = findCondition(pod.status?.conditions, 'DisruptionTarget');
      if (type !== 'DELETED' && target?.status === 'True' && !isTerminating(pod))
        queue.add(`pod:${objectKey(pod)}`);
      else stale.delete(objectKey(pod));
    }),
    ...[deployments, replicaSets, statefulSets, replicationControllers].map((informer) =>
      informer.on((_type, object) => budgetsIn(object.metadata.namespace)),
    ),
  ];

  return {
    name: 'disruption',
    start() {
      for (const pdb of budgets.list()) queue.add(objectKey(pdb));
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
