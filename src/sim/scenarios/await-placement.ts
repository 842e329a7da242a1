import { findCondition } from '../controllers/conditions.js';
import { resources } from '../controllers/resources.js';
import type { KubeObject, Registry } from '../types.js';

const workloadKinds = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

/** Whether the scheduler has decided on `pod`: bound to a node, or marked unschedulable. */
function decided(pod: KubeObject): boolean {
  if (typeof pod.spec?.nodeName === 'string' && pod.spec.nodeName !== '') return true;
  return findCondition(pod.status?.conditions, 'PodScheduled')?.status === 'False';
}

/** How many pods the workload's controller is about to create; undefined until it has said (DaemonSets). */
function expectedPods(workload: KubeObject): number | undefined {
  const spec = workload.spec ?? {};
  switch (workload.kind) {
    case 'DaemonSet':
      return Number(workload.status?.observedGeneration ?? 0) >= 1
        ? Number(workload.status?.desiredNumberScheduled ?? 0)
        : undefined;
    case 'StatefulSet':
      // OrderedReady sets create one pod at a time, each after the previous is Ready.
      return (spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady'
        ? Math.min(1, Number(spec.replicas ?? 1))
        : Number(spec.replicas ?? 1);
    case 'Job':
      return Number(spec.parallelism ?? 1);
    default:
      return Number(spec.replicas ?? 1);
  }
}

/** The pods `owner` controls, directly or through the ReplicaSets it controls. */
function descendants(owner: KubeObject, pods: KubeObject[], replicaSets: KubeObject[]): KubeObject[] {
  const owners = new Set([owner.metadata.uid]);
  for (const rs of replicaSets) {
    if (rs.metadata.ownerReferences?.some((ref) => ref.controller === true && owners.has(ref.uid)))
      owners.add(rs.metadata.uid);
  }
  return pods.filter((pod) =>
    pod.metadata.ownerReferences?.some((ref) => ref.controller === true && owners.has(ref.uid)),
  );
}

/**
 * Waits (bounded) until the scheduler has placed the pods a just-created workload starts with. A scenario
 * comes up one workload after another, as add-ons and then applications do on a new cluster, so the same
 * scenario always lands on the same nodes whatever the controllers' timing. Gives up quietly after
 * `timeoutMs`: a workload whose pods cannot be created (a quota, a missing claim) must not stop the start.
 */
export async function awaitPlacement(
  registry: Registry,
  created: KubeObject,
  timeoutMs = 3_000,
): Promise<void> {
  if (!workloadKinds.has(created.kind)) return;
  const namespace = created.metadata.namespace;
  const name = created.metadata.name ?? '';
  const info = registry.catalog.find((r) => r.kind === created.kind && r.namespaced);
  if (!info) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const workload = await registry.get(info, namespace, name);
    const expected = expectedPods(workload);
    if (expected !== undefined) {
      const [pods, replicaSets] = await Promise.all([
        registry.list(resources.pods, { namespace }),
        registry.list(resources.replicaSets, { namespace }),
      ]);
      const owned = descendants(workload, pods.items, replicaSets.items);
      if (owned.length >= expected && owned.every(decided)) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
