import { rfc3339 } from '../registry/rfc3339.js';
import type { KubeObject } from '../types.js';
import { type Condition, findCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { referenceTo } from './events.js';
import { objectKey } from './informer.js';
import { scaledIntOrPercent } from './int-or-percent.js';
import { controllerRefOf, controllerRefTo, isControlledBy } from './owner-references.js';
import type { PodTemplate } from './pod-template.js';
import { isPodActive, isTerminating } from './pods.js';
import { resources } from './resources.js';
import { writeStatus } from './status-writer.js';
import { templateHash } from './template-hash.js';
import { WorkQueue } from './work-queue.js';

const revisionKey = 'deployment.kubernetes.io/revision';
const hashLabel = 'pod-template-hash';

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[revisionKey] ?? 0) || 0;
}

function specReplicas(rs: KubeObject): number {
  return Number(rs.spec?.replicas ?? 0);
}

/** Available pods of a ReplicaSet; never more than it is asked to keep (its status may lag a scale-down). */
function available(rs: KubeObject): number {
  return Math.min(Number(rs.status?.availableReplicas ?? 0), specReplicas(rs));
}

/** The template without the hash label the controller adds, for comparing a ReplicaSet with its Deployment. */
function strippedTemplate(template: PodTemplate | undefined): PodTemplate {
  const copy: PodTemplate = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    const { [hashLabel]: _hash, ...labels } = copy.metadata.labels;
    copy.metadata.labels = labels;
  }
  return copy;
}

function byCreation(a: KubeObject, b: KubeObject): number {
  return (
    (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
    (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '')
  );
}

/**
 * The Deployment controller: owns ReplicaSets `<deploy>-<pod-template-hash>`, rolls out template changes
 * with maxSurge (rounded up) and maxUnavailable (rounded down) or Recreate, keeps the revision annotation,
 * cleans old ReplicaSets beyond revisionHistoryLimit, and writes the status and Available/Progressing
 * conditions that `kubectl rollout status` reads.
 */
export function startDeploymentController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const deployments = informers.for(resources.deployments);
  const replicaSets = informers.for(resources.replicaSets);
  const pods = informers.for(resources.pods);
  const lastProgress = new Map<string, number>();
  const recorder = context.events.legacy('deployment-controller');

  const setReplicas = async (
    rs: KubeObject,
    replicas: number,
    annotations: Record<string, string>,
  ): Promise<KubeObject> => {
    const current = rs.metadata.annotations ?? {};
    const annotationsChanged = Object.entries(annotations).some(([k, v]) => current[k] !== v);
    const before = specReplicas(rs);
    if (before === replicas && !annotationsChanged) return rs;
    const updated = await registry.patch(
      resources.replicaSets,
      rs.metadata.namespace,
      rs.metadata.name ?? '',
      'merge',
      {
        metadata: { resourceVersion: rs.metadata.resourceVersion, annotations },
        spec: { replicas },
      },
    );
    replicaSets.observe(updated);
    const ref = controllerRefOf(rs);
    const owner = ref ? deployments.get(rs.metadata.namespace, ref.name) : undefined;
    if (owner && before !== replicas) {
      const direction = replicas > before ? 'up' : 'down';
      recorder.event(
        referenceTo(owner),
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${direction} replica set ${rs.metadata.name ?? ''} from ${before} to ${replicas}`,
      );
    }
    return updated;
  };

  const reconcile = async (key: string) => {
    const slash = key.indexOf('/');
    const deployment = deployments.get(key.slice(0, slash), key.slice(slash + 1));
    if (!deployment || isTerminating(deployment)) {
      lastProgress.delete(key);
      return;
    }
    const namespace = deployment.metadata.namespace;
    const name = deployment.metadata.name ?? '';
    const desired = Number(deployment.spec?.replicas ?? 1);
    const template: PodTemplate = deployment.spec?.template ?? {};
    const strategy = deployment.spec?.strategy?.type === 'Recreate' ? 'Recreate' : 'RollingUpdate';
    const rolling = deployment.spec?.strategy?.rollingUpdate ?? {};
    const maxSurge =
      strategy === 'RollingUpdate' ? scaledIntOrPercent(rolling.maxSurge ?? '25%', desired, true) : 0;
    let maxUnavailable =
      strategy === 'RollingUpdate'
        ? scaledIntOrPercent(rolling.maxUnavailable ?? '25%', desired, false)
        : desired;
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const now = clock.now();

    const owned = replicaSets.inNamespace(namespace).filter((rs) => isControlledBy(rs, deployment));
    const wanted = templateHash(strippedTemplate(template));
    let newRS = owned.find((rs) => templateHash(strippedTemplate(rs.spec?.template)) === wanted);
    const oldRSs = owned.filter((rs) => rs !== newRS).sort(byCreation);
    const maxOldRevision = Math.max(0, ...oldRSs.map(revisionOf));
    const oldReplicas = oldRSs.reduce((sum, rs) => sum + specReplicas(rs), 0);
    const annotations = {
      'deployment.kubernetes.io/desired-replicas': String(desired),
      'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
    };
    let createdNew = false;
    const paused = deployment.spec?.paused === true;

    if (!newRS && !paused) {
      const hash = templateHash(strippedTemplate(template), Number(deployment.status?.collisionCount ?? 0));
      let initial = desired;
      if (strategy === 'RollingUpdate' && oldReplicas > 0) {
        const current = oldReplicas;
        initial = Math.max(0, Math.min(desired + maxSurge - current, desired));
      } else if (strategy === 'Recreate' && oldReplicas > 0) {
        initial = 0;
      }
      const labels = { ...template.metadata?.labels, [hashLabel]: hash };
      const selector = deployment.spec?.selector ?? {};
      const created = await registry.create(resources.replicaSets, namespace, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace,
          labels,
          annotations: { ...annotations, [revisionKey]: String(maxOldRevision + 1) },
          ownerReferences: [controllerRefTo(deployment)],
        },
        spec: {
          replicas: initial,
          ...(deployment.spec?.minReadySeconds ? { minReadySeconds: deployment.spec.minReadySeconds } : {}),
          selector: { ...selector, matchLabels: { ...selector.matchLabels, [hashLabel]: hash } },
          template: { ...structuredClone(template), metadata: { ...template.metadata, labels } },
        },
      });
      replicaSets.observe(created);
      if (initial > 0) {
        recorder.event(
          referenceTo(deployment),
          'Normal',
          'ScalingReplicaSet',
          `Scaled up replica set ${created.metadata.name ?? ''} from 0 to ${initial}`,
        );
      }
      newRS = created;
      createdNew = true;
    } else if (newRS && revisionOf(newRS) <= maxOldRevision && !paused) {
      // The template went back to an older ReplicaSet's (a rollback): it becomes the newest revision.
      newRS = await setReplicas(newRS, specReplicas(newRS), {
        ...annotations,
        [revisionKey]: String(maxOldRevision + 1),
      });
    }

    if (newRS && !paused) {
      if (strategy === 'Recreate') {
        for (const rs of oldRSs) await setReplicas(rs, 0, {});
        const oldPodsLeft = pods
          .inNamespace(namespace)
          .some((pod) => oldRSs.some((rs) => isControlledBy(pod, rs)));
        if (!oldPodsLeft) newRS = await setReplicas(newRS, desired, annotations);
      } else {
        let newReplicas = specReplicas(newRS);
        const all = () => newReplicas + oldRSs.reduce((sum, rs) => sum + specReplicas(rs), 0);
        if (newReplicas > desired) newReplicas = desired;
        else if (newReplicas < desired && all() < desired + maxSurge) {
          newReplicas += Math.min(desired + maxSurge - all(), desired - newReplicas);
        }
        newRS = await setReplicas(newRS, newReplicas, annotations);
        const minAvailable = desired - maxUnavailable;
        const newUnavailable = specReplicas(newRS) - available(newRS);
        let maxScaledDown = all() - minAvailable - newUnavailable;
        if (maxScaledDown > 0) {
          // First the old pods that are not available anyway, then available ones while enough stay up.
          for (let i = 0; i < oldRSs.length && maxScaledDown > 0; i++) {
            const rs = oldRSs[i];
            if (!rs) continue;
            const unhealthy = Math.max(0, specReplicas(rs) - available(rs));
            const cut = Math.min(maxScaledDown, unhealthy);
            if (cut > 0) {
              oldRSs[i] = await setReplicas(rs, specReplicas(rs) - cut, {});
              maxScaledDown -= cut;
            }
          }
          const availableNow = available(newRS) + oldRSs.reduce((sum, rs) => sum + available(rs), 0);
          let canScaleDown = Math.max(0, availableNow - minAvailable);
          for (let i = 0; i < oldRSs.length && canScaleDown > 0; i++) {
            const rs = oldRSs[i];
            if (!rs || specReplicas(rs) === 0) continue;
            const cut = Math.min(specReplicas(rs), canScaleDown);
            oldRSs[i] = await setReplicas(rs, specReplicas(rs) - cut, {});
            canScaleDown -= cut;
          }
        }
      }
    }

    // Old, empty ReplicaSets beyond the history limit go.
    const limit = Number(deployment.spec?.revisionHistoryLimit ?? 10);
    const empty = oldRSs.filter((rs) => specReplicas(rs) === 0 && Number(rs.status?.replicas ?? 0) === 0);
    for (const rs of empty.slice(0, Math.max(0, oldRSs.length - limit))) {
      replicaSets.observeRemoval(
        await registry.delete(resources.replicaSets, namespace, rs.metadata.name ?? ''),
      );
    }

    if (newRS && deployment.metadata.annotations?.[revisionKey] !== String(revisionOf(newRS))) {
      const updated = await registry.patch(resources.deployments, namespace, name, 'merge', {
        metadata: { annotations: { [revisionKey]: String(revisionOf(newRS)) } },
      });
      deployments.observe(updated);
    }
    const current = deployments.get(namespace, name) ?? deployment;
    const all = [...(newRS ? [newRS] : []), ...oldRSs];
    const sum = (pick: (rs: KubeObject) => number) => all.reduce((total, rs) => total + pick(rs), 0);
    const replicas = sum((rs) => Number(rs.status?.replicas ?? 0));
    const updatedReplicas = newRS ? Number(newRS.status?.replicas ?? 0) : 0;
    const availableReplicas = sum((rs) => Number(rs.status?.availableReplicas ?? 0));
    const readyReplicas = sum((rs) => Number(rs.status?.readyReplicas ?? 0));
    const unavailableReplicas = Math.max(0, sum(specReplicas) - availableReplicas);
    const stamp = rfc3339(now);
    const status: Record<string, unknown> = {
      observedGeneration: current.metadata.generation ?? 1,
      replicas,
      updatedReplicas,
      readyReplicas,
      availableReplicas,
      unavailableReplicas: unavailableReplicas > 0 ? unavailableReplicas : undefined,
    };

    let conditions: Condition[] = Array.isArray(current.status?.conditions) ? current.status.conditions : [];
    /** Sets a condition; lastUpdateTime moves when it changes or when `touch` says progress was made. */
    const setCondition = (condition: Condition, touch = false) => {
      const previous = findCondition(conditions, condition.type);
      const same =
        previous?.status === condition.status &&
        previous.reason === condition.reason &&
        previous.message === condition.message;
      if (same && !touch) return;
      const next: Condition = {
        ...condition,
        lastUpdateTime: stamp,
        lastTransitionTime:
          previous?.status === condition.status ? (previous.lastTransitionTime ?? stamp) : stamp,
      };
      conditions = previous
        ? conditions.map((c) => (c.type === condition.type ? next : c))
        : [...conditions, next];
    };
    setCondition(
      availableReplicas >= desired - maxUnavailable
        ? {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: 'Deployment has minimum availability.',
          }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
    );
    const rsName = newRS?.metadata.name ?? '';
    const complete =
      newRS !== undefined &&
      updatedReplicas === desired &&
      replicas === desired &&
      availableReplicas === desired &&
      specReplicas(newRS) === desired;
    const deadlineMs = clock.scale(Number(current.spec?.progressDeadlineSeconds ?? 600) * 1000);
    if (complete) {
      setCondition({
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
      });
    } else if (createdNew) {
      setCondition({
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetCreated',
        message: `Created new replica set "${rsName}"`,
      });
      lastProgress.set(key, now);
      queue.addAt(key, now + deadlineMs);
    } else if (newRS && !paused) {
      const progressing = findCondition(conditions, 'Progressing');
      const before = current.status ?? {};
      const moved =
        before.replicas !== replicas ||
        before.updatedReplicas !== updatedReplicas ||
        before.availableReplicas !== availableReplicas ||
        before.readyReplicas !== readyReplicas;
      // lastUpdateTime has second precision; the precise moment of the last progress is kept here.
      const since = lastProgress.get(key) ?? (Date.parse(progressing?.lastUpdateTime ?? '') || now);
      if (moved || !progressing || progressing.reason === 'NewReplicaSetAvailable') {
        setCondition(
          {
            type: 'Progressing',
            status: 'True',
            reason: 'ReplicaSetUpdated',
            message: `ReplicaSet "${rsName}" is progressing.`,
          },
          true,
        );
        lastProgress.set(key, now);
        queue.addAt(key, now + deadlineMs);
      } else if (progressing.reason !== 'ProgressDeadlineExceeded') {
        if (now - since >= deadlineMs) {
          setCondition({
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `ReplicaSet "${rsName}" has timed out progressing.`,
          });
        } else {
          queue.addAt(key, since + deadlineMs);
        }
      }
    }
    status.conditions = conditions;
    await writeStatus(registry, resources.deployments, deployments, current, status);
  };

  const queue = new WorkQueue('deployment', reconcile, clock, context.log, 2);

  const ownerKey = (object: KubeObject, kind: string): string | undefined => {
    const ref = controllerRefOf(object);
    return ref?.kind === kind ? `${object.metadata.namespace ?? ''}/${ref.name}` : undefined;
  };

  const subscriptions = [
    deployments.on((_type, deployment) => queue.add(objectKey(deployment))),
    replicaSets.on((_type, rs) => {
      const key = ownerKey(rs, 'Deployment');
      if (key) queue.add(key);
    }),
    // Recreate waits for the old pods to be gone.
    pods.on((type, pod) => {
      if (type !== 'DELETED' && isPodActive(pod)) return;
      const rsName = controllerRefOf(pod)?.name;
      const rs = rsName ? replicaSets.get(pod.metadata.namespace, rsName) : undefined;
      const key = rs ? ownerKey(rs, 'Deployment') : undefined;
      if (key) queue.add(key);
    }),
  ];

  return {
    name: 'deployment',
    start() {
      for (const deployment of deployments.list()) queue.add(objectKey(deployment));
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
