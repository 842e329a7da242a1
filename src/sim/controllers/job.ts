import { rfc3339 } from '../registry/rfc3339.js';
import type { KubeObject } from '../types.js';
import { type Condition, findCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { createPodRecorded, deletePodRecorded, referenceTo } from './events.js';
import { objectKey } from './informer.js';
import { controllerRefOf, isControlledBy } from './owner-references.js';
import { type PodTemplate, podFromTemplate } from './pod-template.js';
import { isPodReady, isTerminating } from './pods.js';
import { resources } from './resources.js';
import { annotationNumber, simAnnotations } from './sim-annotations.js';
import { writeStatus } from './status-writer.js';
import { WorkQueue } from './work-queue.js';

function finished(job: KubeObject): boolean {
  const conditions: unknown = job.status?.conditions;
  return ['Complete', 'Failed'].some((type) => findCondition(conditions, type)?.status === 'True');
}

/**
 * The Job controller: runs pods until `completions` succeeded (at most `parallelism` at once), fails the
 * Job once more than `backoffLimit` pods failed, and writes active/ready/succeeded/failed, start and
 * completion times and the Complete/Failed conditions. How long a pod works, and whether it fails, comes
 * from the scenario's annotations.
 */
export function startJobController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const recorder = context.events.legacy('job-controller');
  const jobs = informers.for(resources.jobs);
  const pods = informers.for(resources.pods);

  const reconcile = async (key: string) => {
    const slash = key.indexOf('/');
    const job = jobs.get(key.slice(0, slash), key.slice(slash + 1));
    if (!job || isTerminating(job)) return;
    const namespace = job.metadata.namespace;
    const name = job.metadata.name ?? '';
    const owned = pods.inNamespace(namespace).filter((pod) => isControlledBy(pod, job));
    const succeeded = owned.filter((pod) => pod.status?.phase === 'Succeeded').length;
    const failed = owned.filter((pod) => pod.status?.phase === 'Failed').length;
    const active = owned.filter(
      (pod) => !isTerminating(pod) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed',
    );
    const completions = Number(job.spec?.completions ?? 1);
    const parallelism = Number(job.spec?.parallelism ?? 1);
    const backoffLimit = Number(job.spec?.backoffLimit ?? 6);
    const now = rfc3339(clock.now());
    const conditions: Condition[] = Array.isArray(job.status?.conditions) ? [...job.status.conditions] : [];
    const status: Record<string, unknown> = {
      startTime: job.status?.startTime ?? now,
      uncountedTerminatedPods: {},
    };

    if (!finished(job) && job.spec?.suspend !== true) {
      if (failed > backoffLimit) {
        for (const pod of active) {
          const podName = pod.metadata.name ?? '';
          const deleted = await deletePodRecorded(recorder, job, podName, () =>
            registry.delete(resources.pods, namespace, podName),
          );
          pods.observe(deleted);
        }
        recorder.event(
          referenceTo(job),
          'Warning',
          'BackoffLimitExceeded',
          'Job has reached the specified backoff limit',
        );
        const reason = {
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        };
        conditions.push(
          { type: 'FailureTarget', status: 'True', ...reason, lastProbeTime: now, lastTransitionTime: now },
          { type: 'Failed', status: 'True', ...reason, lastProbeTime: now, lastTransitionTime: now },
        );
      } else if (succeeded >= completions) {
        const reason = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
        conditions.push(
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            ...reason,
            lastProbeTime: now,
            lastTransitionTime: now,
          },
          { type: 'Complete', status: 'True', ...reason, lastProbeTime: now, lastTransitionTime: now },
        );
        status.completionTime = now;
        recorder.event(referenceTo(job), 'Normal', 'Completed', 'Job completed');
      } else {
        const wanted = Math.min(parallelism, completions - succeeded);
        const failures = annotationNumber(job.metadata.annotations, simAnnotations.failures, 0);
        let planned =
          failed +
          owned.filter(
            (pod) =>
              pod.metadata.annotations?.[simAnnotations.exitCode] !== undefined &&
              pod.status?.phase !== 'Failed',
          ).length;
        const template: PodTemplate = job.spec?.template ?? {};
        for (let i = active.length; i < wanted; i++) {
          const fails = planned < failures;
          if (fails) planned++;
          const pod = podFromTemplate(template, job, {
            labels: {
              'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '',
              'batch.kubernetes.io/job-name': name,
              'controller-uid': job.metadata.uid ?? '',
              'job-name': name,
            },
            ...(fails ? { annotations: { [simAnnotations.exitCode]: '1' } } : {}),
          });
          pods.observe(
            await createPodRecorded(recorder, job, () => registry.create(resources.pods, namespace, pod)),
          );
        }
        for (const pod of active.slice(wanted)) {
          const podName = pod.metadata.name ?? '';
          pods.observe(
            await deletePodRecorded(recorder, job, podName, () =>
              registry.delete(resources.pods, namespace, podName),
            ),
          );
        }
      }
    }

    const stillActive = pods
      .inNamespace(namespace)
      .filter(
        (pod) =>
          isControlledBy(pod, job) &&
          !isTerminating(pod) &&
          pod.status?.phase !== 'Succeeded' &&
          pod.status?.phase !== 'Failed',
      );
    await writeStatus(registry, resources.jobs, jobs, job, {
      ...status,
      active: stillActive.length > 0 ? stillActive.length : undefined,
      ready: stillActive.filter(isPodReady).length,
      terminating: owned.filter(isTerminating).length,
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failed > 0 ? { failed } : {}),
      ...(conditions.length > 0 ? { conditions } : {}),
    });
  };

  const queue = new WorkQueue('job', reconcile, clock, context.log);

  const subscriptions = [
    jobs.on((_type, job) => queue.add(objectKey(job))),
    pods.on((_type, pod) => {
      const ref = controllerRefOf(pod);
      if (ref?.kind === 'Job') queue.add(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    }),
  ];

  return {
    name: 'job',
    start() {
      for (const job of jobs.list()) queue.add(objectKey(job));
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
