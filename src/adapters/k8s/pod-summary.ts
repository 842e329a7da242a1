import type { V1Pod } from '@kubernetes/client-node';
import type { NodeSelectorTerm, PodPhase, PodSummary, Toleration } from '../../ports/pod-inventory.js';
import { bytes, cpuMillis } from '../../shared/quantity.js';

const PHASES: readonly PodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'];

const time = (value: Date | string | undefined) =>
  value === undefined ? undefined : new Date(value).getTime();

/** client-node's V1Pod as the ports see a pod. */
export function podSummary(pod: V1Pod): PodSummary {
  const metadata = pod.metadata ?? {};
  const spec = pod.spec;
  const phase = pod.status?.phase;
  const controller = metadata.ownerReferences?.find((o) => o.controller === true);
  const requests = { cpuMillis: 0, memoryBytes: 0 };
  const terms =
    spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const container of spec?.containers ?? []) {
    requests.cpuMillis += cpuMillis(container.resources?.requests?.cpu);
    requests.memoryBytes += bytes(container.resources?.requests?.memory);
  }
  const unschedulable = pod.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
  );
  const waiting = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ].find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  return {
    namespace: metadata.namespace ?? 'default',
    name: metadata.name ?? '',
    uid: metadata.uid ?? '',
    nodeName: spec?.nodeName || undefined,
    phase: PHASES.includes(phase as PodPhase) ? (phase as PodPhase) : 'Unknown',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    labels: metadata.labels ?? {},
    mirror: metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined,
    controller: controller && { kind: controller.kind, name: controller.name, uid: controller.uid },
    emptyDirVolumes: (spec?.volumes ?? [])
      .filter((v) => v.emptyDir !== undefined && v.emptyDir !== null)
      .map((v) => v.name),
    deletionTimestamp: time(metadata.deletionTimestamp),
    terminationGracePeriodSeconds: spec?.terminationGracePeriodSeconds ?? 30,
    requests,
    tolerations: (spec?.tolerations ?? []) as Toleration[],
    nodeSelector: spec?.nodeSelector ?? {},
    ...(terms ? { requiredNodeAffinity: terms as NodeSelectorTerm[] } : {}),
    createdAt: time(metadata.creationTimestamp) ?? 0,
    ...(unschedulable?.message ? { unschedulable: unschedulable.message } : {}),
    ...(waiting ? { waiting } : {}),
  };
}
