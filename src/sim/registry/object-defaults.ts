import type { KubeObject, ResourceInfo } from '../types.js';
import { isJsonObject, type JsonObject } from './json-value.js';

/**
 * The API server's defaulting for the fields bosun, kubectl and the controllers read (pod spec basics, workload
 * replicas and strategies, service ports, job selectors), applied on every write as the real server does on decode.
 */
export function applyDefaults(info: ResourceInfo, object: KubeObject): void {
  if (info.group === '' && info.resource === 'pods') {
    if (isJsonObject(object.spec)) defaultPodSpec(object.spec, true);
    return;
  }
  if (info.group === '' && info.resource === 'services') {
    if (isJsonObject(object.spec)) defaultServiceSpec(object.spec);
    return;
  }
  if (info.group === '' && info.resource === 'namespaces') {
    const name = object.metadata.name;
    if (name)
      object.metadata.labels = { ...(object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
    return;
  }
  if (!isJsonObject(object.spec)) return;
  const spec = object.spec;
  const template = isJsonObject(spec.template) ? spec.template : undefined;
  const templateSpec = template && isJsonObject(template.spec) ? template.spec : undefined;
  if (info.group === 'apps' || (info.group === '' && info.resource === 'replicationcontrollers')) {
    if (templateSpec) defaultPodSpec(templateSpec, false);
    if (info.resource !== 'daemonsets') spec.replicas ??= 1;
    if (info.resource !== 'replicasets' && info.resource !== 'replicationcontrollers')
      spec.revisionHistoryLimit ??= 10;
  }
  if (info.group === 'apps' && info.resource === 'deployments') {
    spec.progressDeadlineSeconds ??= 600;
    const strategy: JsonObject = isJsonObject(spec.strategy) ? spec.strategy : {};
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const rolling: JsonObject = isJsonObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
      rolling.maxSurge ??= '25%';
      rolling.maxUnavailable ??= '25%';
      strategy.rollingUpdate = rolling;
    }
    spec.strategy = strategy;
  }
  if (info.group === 'apps' && info.resource === 'statefulsets') {
    spec.podManagementPolicy ??= 'OrderedReady';
    const strategy: JsonObject = isJsonObject(spec.updateStrategy) ? spec.updateStrategy : {};
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const rolling: JsonObject = isJsonObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
      rolling.partition ??= 0;
      strategy.rollingUpdate = rolling;
    }
    spec.updateStrategy = strategy;
    spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  }
  if (info.group === 'apps' && info.resource === 'daemonsets') {
    const strategy: JsonObject = isJsonObject(spec.updateStrategy) ? spec.updateStrategy : {};
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const rolling: JsonObject = isJsonObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
      rolling.maxUnavailable ??= 1;
      rolling.maxSurge ??= 0;
      strategy.rollingUpdate = rolling;
    }
    spec.updateStrategy = strategy;
  }
  if (info.group === 'batch' && info.resource === 'jobs') {
    if (templateSpec) defaultPodSpec(templateSpec, false);
    spec.parallelism ??= 1;
    if (spec.completions === undefined && spec.parallelism === 1) spec.completions = 1;
    spec.backoffLimit ??= 6;
    spec.completionMode ??= 'NonIndexed';
    spec.suspend ??= false;
    spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  }
  if (info.group === 'batch' && info.resource === 'cronjobs') {
    spec.concurrencyPolicy ??= 'Allow';
    spec.suspend ??= false;
    spec.successfulJobsHistoryLimit ??= 3;
    spec.failedJobsHistoryLimit ??= 1;
    const jobTemplate = isJsonObject(spec.jobTemplate) ? spec.jobTemplate : undefined;
    const jobSpec = jobTemplate && isJsonObject(jobTemplate.spec) ? jobTemplate.spec : undefined;
    const jobPodTemplate = jobSpec && isJsonObject(jobSpec.template) ? jobSpec.template : undefined;
    if (jobPodTemplate && isJsonObject(jobPodTemplate.spec)) defaultPodSpec(jobPodTemplate.spec, false);
  }
  if (info.group === 'policy' && info.resource === 'poddisruptionbudgets') {
    // policy/v1 keeps an absent selector absent; nothing to default.
  }
}

/**
 * Jobs get a generated selector on the controller-uid label unless `manualSelector` (job strategy PrepareForCreate).
 */
export function generateJobSelector(object: KubeObject): void {
  const spec = object.spec;
  const uid = object.metadata.uid;
  const name = object.metadata.name;
  if (!isJsonObject(spec) || spec.manualSelector === true || !uid || !name) return;
  const labels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template: JsonObject = isJsonObject(spec.template) ? spec.template : {};
  const metadata: JsonObject = isJsonObject(template.metadata) ? template.metadata : {};
  metadata.labels = { ...(isJsonObject(metadata.labels) ? metadata.labels : {}), ...labels };
  template.metadata = metadata;
  spec.template = template;
}

function defaultPodSpec(spec: JsonObject, isPod: boolean): void {
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  if (isPod) {
    spec.serviceAccountName ??= 'default';
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.priority ??= 0;
    spec.enableServiceLinks ??= true;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    // The DefaultTolerationSeconds admission plugin: evict from NotReady/unreachable nodes after 300 s.
    const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations.filter(isJsonObject) : [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      const present = tolerations.some(
        (toleration) =>
          (toleration.key === key || (toleration.key === undefined && toleration.operator === 'Exists')) &&
          (toleration.effect === undefined || toleration.effect === 'NoExecute'),
      );
      if (!present)
        tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
    spec.tolerations = tolerations;
  }
  for (const field of ['containers', 'initContainers']) {
    const containers = spec[field];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isJsonObject(container)) continue;
      if (typeof container.image === 'string' && container.imagePullPolicy === undefined) {
        const tag = container.image.split('/').pop() ?? '';
        container.imagePullPolicy = !tag.includes(':') || tag.endsWith(':latest') ? 'Always' : 'IfNotPresent';
      }
      container.terminationMessagePath ??= '/dev/termination-log';
      container.terminationMessagePolicy ??= 'File';
      container.resources ??= {};
      if (Array.isArray(container.ports)) {
        for (const port of container.ports) if (isJsonObject(port)) port.protocol ??= 'TCP';
      }
    }
  }
}

function defaultServiceSpec(spec: JsonObject): void {
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (!isJsonObject(port)) continue;
      port.protocol ??= 'TCP';
      port.targetPort ??= port.port;
    }
  }
}

/** `status.qosClass` as the pod strategy computes it on create. */
export function podQosClass(spec: unknown): string {
  if (!isJsonObject(spec) || !Array.isArray(spec.containers)) return 'BestEffort';
  let anySet = false;
  let guaranteed = true;
  for (const container of [
    ...spec.containers,
    ...(Array.isArray(spec.initContainers) ? spec.initContainers : []),
  ]) {
    const resources = isJsonObject(container) && isJsonObject(container.resources) ? container.resources : {};
    const requests = isJsonObject(resources.requests) ? resources.requests : {};
    const limits = isJsonObject(resources.limits) ? resources.limits : {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) anySet = true;
    for (const resource of ['cpu', 'memory']) {
      const limit = limits[resource];
      const request = requests[resource] ?? limit;
      if (limit === undefined || request !== limit) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
