import type { KubeObject, Registry } from '../types.js';
import { findCondition } from './conditions.js';
import { controllerRefOf } from './owner-references.js';
import { isPodReady, isTerminating } from './pods.js';
import { resources } from './resources.js';

function key(object: KubeObject): string {
  return object.metadata.namespace
    ? `${object.metadata.namespace}/${object.metadata.name ?? ''}`
    : (object.metadata.name ?? '');
}

function observed(object: KubeObject): boolean {
  return Number(object.status?.observedGeneration ?? 0) >= Number(object.metadata.generation ?? 1);
}

function podProblem(pod: KubeObject): string | undefined {
  const phase: unknown = pod.status?.phase;
  if (phase === 'Succeeded') return undefined;
  if (phase === 'Failed') return controllerRefOf(pod)?.kind === 'Job' ? undefined : `pod ${key(pod)} Failed`;
  if (isTerminating(pod)) return `pod ${key(pod)} is terminating`;
  if (phase !== 'Running') {
    const scheduled = findCondition(pod.status?.conditions, 'PodScheduled');
    return `pod ${key(pod)} is ${String(phase ?? 'Pending')}${scheduled?.status === 'False' ? ` (${scheduled.message ?? scheduled.reason ?? ''})` : ''}`;
  }
  return isPodReady(pod) ? undefined : `pod ${key(pod)} is not Ready`;
}

function workloadProblem(kind: string, object: KubeObject): string | undefined {
  const spec = object.spec ?? {};
  const status = object.status ?? {};
  const name = `${kind} ${key(object)}`;
  // Jobs have no observedGeneration.
  if (kind !== 'job' && !observed(object)) return `${name}: spec change not observed yet`;
  const replicas = Number(spec.replicas ?? 1);
  switch (kind) {
    case 'deployment': {
      const counts = [status.replicas, status.updatedReplicas, status.availableReplicas].map((n) =>
        Number(n ?? 0),
      );
      return counts.every((n) => n === replicas)
        ? undefined
        : `${name}: ${counts[2]}/${replicas} available, ${counts[1]} updated, ${counts[0]} total`;
    }
    case 'statefulset': {
      const ready = Number(status.readyReplicas ?? 0);
      const updated = Number(status.updatedReplicas ?? 0);
      return ready === replicas && updated === replicas && Number(status.replicas ?? 0) === replicas
        ? undefined
        : `${name}: ${ready}/${replicas} ready, ${updated} updated`;
    }
    case 'daemonset': {
      const desired = Number(status.desiredNumberScheduled ?? 0);
      const ready = Number(status.numberReady ?? 0);
      const updated = Number(status.updatedNumberScheduled ?? 0);
      return ready === desired && updated === desired
        ? undefined
        : `${name}: ${ready}/${desired} ready, ${updated} updated`;
    }
    case 'job': {
      const conditions: unknown = status.conditions;
      if (
        findCondition(conditions, 'Complete')?.status === 'True' ||
        findCondition(conditions, 'Failed')?.status === 'True'
      )
        return undefined;
      const wanted = Math.min(
        Number(spec.parallelism ?? 1),
        Number(spec.completions ?? 1) - Number(status.succeeded ?? 0),
      );
      const active = Number(status.active ?? 0);
      return active >= wanted ? undefined : `${name}: ${active}/${wanted} active`;
    }
    default:
      return undefined;
  }
}

/**
 * What keeps the cluster from having settled: nodes not Ready, pods not Running and Ready (finished Job pods
 * are fine), workloads short of their desired state or with an unobserved spec, PDBs the disruption
 * controller has not processed. Empty when everything is where the scenario wants it.
 */
export async function unsettled(registry: Registry): Promise<string[]> {
  const problems: string[] = [];
  for (const node of (await registry.list(resources.nodes)).items) {
    if (findCondition(node.status?.conditions, 'Ready')?.status !== 'True')
      problems.push(`node ${key(node)} is NotReady`);
  }
  for (const pod of (await registry.list(resources.pods)).items) {
    const problem = podProblem(pod);
    if (problem) problems.push(problem);
  }
  const workloads: Array<[string, { group: string; resource: string }]> = [
    ['deployment', resources.deployments],
    ['statefulset', resources.statefulSets],
    ['daemonset', resources.daemonSets],
    ['job', resources.jobs],
  ];
  for (const [kind, ref] of workloads) {
    for (const object of (await registry.list(ref)).items) {
      const problem = workloadProblem(kind, object);
      if (problem) problems.push(problem);
    }
  }
  for (const pdb of (await registry.list(resources.podDisruptionBudgets)).items) {
    if (!observed(pdb)) problems.push(`poddisruptionbudget ${key(pdb)} not processed yet`);
  }
  return problems;
}
