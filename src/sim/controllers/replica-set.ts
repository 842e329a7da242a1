import type { KubeObject } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { createPodRecorded, deletePodRecorded } from './events.js';
import { objectKey } from './informer.js';
import { selectorMatches } from './label-selector.js';
import { controllerRefOf, controllerRefTo, isControlledBy } from './owner-references.js';
import { type PodTemplate, podFromTemplate } from './pod-template.js';
import { isPodActive, isPodReady, isTerminating } from './pods.js';
import { resources } from './resources.js';
import { writeStatus } from './status-writer.js';
import { WorkQueue } from './work-queue.js';

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** ActivePodsWithRanks, simplified: unscheduled, then pending, then not Ready, then the newest go first. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const bound = (p: KubeObject) => (p.spec?.nodeName ? 1 : 0);
  const phase = (p: KubeObject) => phaseRank[String(p.status?.phase)] ?? 1;
  const ready = (p: KubeObject) => (isPodReady(p) ? 1 : 0);
  return (
    bound(a) - bound(b) ||
    phase(a) - phase(b) ||
    ready(a) - ready(b) ||
    (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '')
  );
}

function labelsMatchTemplate(pod: KubeObject, template: PodTemplate): boolean {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(template.metadata?.labels ?? {}).every(([k, v]) => labels[k] === v);
}

/**
 * The ReplicaSet controller: keeps `spec.replicas` *active* pods. A pod with a deletionTimestamp no longer
 * counts, so an evicted pod is replaced at once (that is what lets a PDB-guarded drain progress). Pods are
 * named `<rs>-` plus the API server's 5 characters and carry the ReplicaSet as controller owner; orphans
 * matching the selector are adopted. Status: replicas, fullyLabeledReplicas, readyReplicas,
 * availableReplicas, observedGeneration.
 */
export function startReplicaSetController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const recorder = context.events.legacy('replicaset-controller');
  const replicaSets = informers.for(resources.replicaSets);
  const pods = informers.for(resources.pods);

  const reconcile = async (key: string) => {
    const slash = key.indexOf('/');
    const rs = replicaSets.get(key.slice(0, slash), key.slice(slash + 1));
    if (!rs) return;
    const namespace = rs.metadata.namespace;
    const template: PodTemplate = rs.spec?.template ?? {};
    const inNamespace = pods.inNamespace(namespace);
    if (!isTerminating(rs)) {
      for (const orphan of inNamespace) {
        if (
          controllerRefOf(orphan) ||
          !isPodActive(orphan) ||
          !selectorMatches(rs.spec?.selector, orphan.metadata.labels)
        )
          continue;
        const adopted = await registry.patch(resources.pods, namespace, orphan.metadata.name ?? '', 'merge', {
          metadata: {
            resourceVersion: orphan.metadata.resourceVersion,
            ownerReferences: [...(orphan.metadata.ownerReferences ?? []), controllerRefTo(rs)],
          },
        });
        pods.observe(adopted);
      }
    }
    const owned = pods.inNamespace(namespace).filter((pod) => isControlledBy(pod, rs));
    const active = owned.filter(isPodActive);
    const desired = Number(rs.spec?.replicas ?? 1);
    if (!isTerminating(rs)) {
      if (active.length < desired) {
        for (let i = active.length; i < desired; i++) {
          const pod = podFromTemplate(template, rs, {});
          pods.observe(
            await createPodRecorded(recorder, rs, () => registry.create(resources.pods, namespace, pod)),
          );
        }
      } else if (active.length > desired) {
        const victims = [...active].sort(deletionOrder).slice(0, active.length - desired);
        for (const victim of victims) {
          const victimName = victim.metadata.name ?? '';
          const deleted = await deletePodRecorded(recorder, rs, victimName, () =>
            registry.delete(resources.pods, namespace, victimName),
          );
          pods.observeDeletion(deleted);
        }
      }
    }
    const ready = active.filter(isPodReady).length;
    await writeStatus(registry, resources.replicaSets, replicaSets, rs, {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((pod) => labelsMatchTemplate(pod, template)).length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    });
  };

  const queue = new WorkQueue('replicaset', reconcile, clock, context.log, 2);

  const subscriptions = [
    replicaSets.on((_type, rs) => queue.add(objectKey(rs))),
    pods.on((_type, pod) => {
      const ref = controllerRefOf(pod);
      if (ref?.kind === 'ReplicaSet') {
        queue.add(`${pod.metadata.namespace ?? ''}/${ref.name}`);
        return;
      }
      if (ref) return;
      for (const rs of replicaSets.inNamespace(pod.metadata.namespace)) {
        if (selectorMatches(rs.spec?.selector, pod.metadata.labels)) queue.add(objectKey(rs));
      }
    }),
  ];

  return {
    name: 'replicaset',
    start() {
      for (const rs of replicaSets.list()) queue.add(objectKey(rs));
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
