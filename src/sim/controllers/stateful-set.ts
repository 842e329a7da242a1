import { type KubeObject, StatusError } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { syncControllerRevisions } from './controller-revisions.js';
import { referenceTo } from './events.js';
import { objectKey } from './informer.js';
import { controllerRefOf, isControlledBy } from './owner-references.js';
import { type PodTemplate, podFromTemplate } from './pod-template.js';
import { isPodReady, isTerminating } from './pods.js';
import { resources } from './resources.js';
import { writeStatus } from './status-writer.js';
import { templateHash } from './template-hash.js';
import { WorkQueue } from './work-queue.js';

function ordinalOf(set: KubeObject, pod: KubeObject): number | undefined {
  const prefix = `${set.metadata.name ?? ''}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return undefined;
  const ordinal = Number(name.slice(prefix.length));
  return Number.isInteger(ordinal) && ordinal >= 0 ? ordinal : undefined;
}

function runningAndReady(pod: KubeObject): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod) && !isTerminating(pod);
}

/**
 * The StatefulSet controller: pods `<sts>-<ordinal>` with stable names. OrderedReady creates 0..n-1 one at a
 * time, each waiting for the previous to be Running and Ready, and scales down from the highest ordinal; a
 * deleted or evicted pod comes back with the same name and a new UID once the old one is gone (what drain's
 * UID check waits for). Template changes roll from the highest ordinal down.
 */
export function startStatefulSetController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const statefulSets = informers.for(resources.statefulSets);
  const revisions = informers.for(resources.controllerRevisions);
  const pods = informers.for(resources.pods);
  const claims = informers.for(resources.persistentVolumeClaims);
  const recorder = context.events.legacy('statefulset-controller');

  /** StatefulPodControl.recordPodEvent: `<verb> Pod <pod> in StatefulSet <set> successful|failed error: …`. */
  const recordPodEvent = (verb: 'create' | 'delete', set: KubeObject, pod: string, error?: unknown) => {
    const title = verb === 'create' ? 'Create' : 'Delete';
    const setName = set.metadata.name ?? '';
    if (error === undefined) {
      recorder.event(
        referenceTo(set),
        'Normal',
        `Successful${title}`,
        `${verb} Pod ${pod} in StatefulSet ${setName} successful`,
      );
    } else {
      const text = error instanceof Error ? error.message : String(error);
      recorder.event(
        referenceTo(set),
        'Warning',
        `Failed${title}`,
        `${verb} Pod ${pod} in StatefulSet ${setName} failed error: ${text}`,
      );
    }
  };

  const deletePod = async (pod: KubeObject) => {
    const name = pod.metadata.name ?? '';
    const ref = controllerRefOf(pod);
    const set = ref ? statefulSets.get(pod.metadata.namespace, ref.name) : undefined;
    try {
      const deleted = await registry.delete(resources.pods, pod.metadata.namespace, name);
      pods.observeDeletion(deleted);
      if (set) recordPodEvent('delete', set, name);
    } catch (error) {
      if (set && !(error instanceof StatusError && error.code === 404))
        recordPodEvent('delete', set, name, error);
      throw error;
    }
  };

  /**
   * Creates the claims `<template>-<set>-<ordinal>` of the set's volumeClaimTemplates that do not exist yet
   * (labels: the template's plus the set's selector; an owner reference to the set only when
   * `persistentVolumeClaimRetentionPolicy.whenDeleted` is Delete) and returns the pod volumes naming them.
   */
  const ensureClaims = async (set: KubeObject, ordinal: number) => {
    const templates: KubeObject[] = Array.isArray(set.spec?.volumeClaimTemplates)
      ? set.spec.volumeClaimTemplates
      : [];
    const namespace = set.metadata.namespace;
    const volumes: Array<{ name: string; persistentVolumeClaim: { claimName: string } }> = [];
    for (const claimTemplate of templates) {
      const templateName = claimTemplate.metadata?.name ?? '';
      const claimName = `${templateName}-${set.metadata.name ?? ''}-${ordinal}`;
      volumes.push({ name: templateName, persistentVolumeClaim: { claimName } });
      if (claims.get(namespace, claimName)) continue;
      const deleteWithSet = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
      const claim: KubeObject = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: {
          name: claimName,
          namespace,
          labels: { ...claimTemplate.metadata?.labels, ...set.spec?.selector?.matchLabels },
          ...(claimTemplate.metadata?.annotations ? { annotations: claimTemplate.metadata.annotations } : {}),
          ...(deleteWithSet
            ? {
                ownerReferences: [
                  {
                    apiVersion: 'apps/v1',
                    kind: 'StatefulSet',
                    name: set.metadata.name ?? '',
                    uid: set.metadata.uid ?? '',
                    controller: true,
                    blockOwnerDeletion: true,
                  },
                ],
              }
            : {}),
        },
        spec: { volumeMode: 'Filesystem', ...claimTemplate.spec },
      };
      try {
        claims.observe(await registry.create(resources.persistentVolumeClaims, namespace, claim));
      } catch (error) {
        if (!(error instanceof StatusError && error.code === 409)) throw error;
      }
    }
    return volumes;
  };

  const reconcile = async (key: string) => {
    const slash = key.indexOf('/');
    const set = statefulSets.get(key.slice(0, slash), key.slice(slash + 1));
    if (!set || isTerminating(set)) return;
    const namespace = set.metadata.namespace;
    const name = set.metadata.name ?? '';
    const template: PodTemplate = set.spec?.template ?? {};
    const hash = templateHash(template);
    const revision = `${name}-${hash}`;
    const replicas = Number(set.spec?.replicas ?? 1);
    const ordered = (set.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const byOrdinal = new Map<number, KubeObject>();
    for (const pod of pods.inNamespace(namespace)) {
      if (!isControlledBy(pod, set)) continue;
      const ordinal = ordinalOf(set, pod);
      if (ordinal !== undefined) byOrdinal.set(ordinal, pod);
    }
    await syncControllerRevisions({
      registry,
      revisions,
      owner: set,
      template,
      hash,
      hashLabel: 'controller.kubernetes.io/hash',
      inUse: new Set(
        [...byOrdinal.values()].map((pod) => pod.metadata.labels?.['controller-revision-hash'] ?? ''),
      ),
    });

    let blocked = false;
    for (let ordinal = 0; ordinal < replicas && !blocked; ordinal++) {
      const pod = byOrdinal.get(ordinal);
      if (!pod) {
        const podName = `${name}-${ordinal}`;
        const claimVolumes = await ensureClaims(set, ordinal);
        const templateVolumes: Array<{ name?: string }> = Array.isArray(template.spec?.volumes)
          ? (template.spec.volumes as Array<{ name?: string }>)
          : [];
        const volumes = [
          ...templateVolumes.filter((v) => !claimVolumes.some((c) => c.name === v.name)),
          ...claimVolumes,
        ];
        const created = podFromTemplate(template, set, {
          name: podName,
          labels: {
            'apps.kubernetes.io/pod-index': String(ordinal),
            'controller-revision-hash': revision,
            'statefulset.kubernetes.io/pod-name': podName,
          },
          spec: {
            hostname: podName,
            subdomain: set.spec?.serviceName ?? name,
            ...(volumes.length > 0 ? { volumes } : {}),
          },
        });
        try {
          pods.observe(await registry.create(resources.pods, namespace, created));
          recordPodEvent('create', set, podName);
        } catch (error) {
          recordPodEvent('create', set, podName, error);
          throw error;
        }
        if (ordered) blocked = true;
        continue;
      }
      if (pod.status?.phase === 'Failed' && !isTerminating(pod)) {
        await deletePod(pod);
        if (ordered) blocked = true;
        continue;
      }
      // The old pod must be gone before its successor with the same name can exist.
      if (ordered && !runningAndReady(pod)) blocked = true;
    }

    const surplus = [...byOrdinal.entries()]
      .filter(([ordinal]) => ordinal >= replicas)
      .sort(([a], [b]) => b - a);
    for (const [, pod] of surplus) {
      if (isTerminating(pod)) {
        if (ordered) break;
        continue;
      }
      if (ordered && [...byOrdinal.entries()].some(([o, p]) => o < replicas && !runningAndReady(p))) break;
      await deletePod(pod);
      if (ordered) break;
    }

    const current = [...byOrdinal.entries()].filter(([o]) => o < replicas).map(([, p]) => p);
    const strategy = set.spec?.updateStrategy ?? {};
    const partition = Number(strategy.rollingUpdate?.partition ?? 0);
    if (strategy.type !== 'OnDelete' && current.length === replicas && current.every(runningAndReady)) {
      const stale = current
        .filter((pod) => pod.metadata.labels?.['controller-revision-hash'] !== revision)
        .filter((pod) => (ordinalOf(set, pod) ?? 0) >= partition)
        .sort((a, b) => (ordinalOf(set, b) ?? 0) - (ordinalOf(set, a) ?? 0));
      const [next] = stale;
      if (next) await deletePod(next);
    }

    const live = [...byOrdinal.values()].filter((pod) => !isTerminating(pod));
    const ready = live.filter(isPodReady).length;
    const updated = live.filter(
      (pod) => pod.metadata.labels?.['controller-revision-hash'] === revision,
    ).length;
    await writeStatus(registry, resources.statefulSets, statefulSets, set, {
      observedGeneration: set.metadata.generation ?? 1,
      replicas: live.length,
      readyReplicas: ready,
      currentReplicas: updated,
      updatedReplicas: updated,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  };

  const queue = new WorkQueue('statefulset', reconcile, clock, context.log);

  const subscriptions = [
    statefulSets.on((_type, set) => queue.add(objectKey(set))),
    pods.on((_type, pod) => {
      const ref = controllerRefOf(pod);
      if (ref?.kind === 'StatefulSet') queue.add(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    }),
  ];

  return {
    name: 'statefulset',
    start() {
      for (const set of statefulSets.list()) queue.add(objectKey(set));
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
