import type { NodeCapacity, Taint } from '../../ports/node-capacity.js';
import type {
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodSummary,
  Toleration,
} from '../../ports/pod-inventory.js';

/** Why a pod may not be scheduled on a node, in the order the room check asks. */
export type Exclusion =
  | { reason: 'being-drained' }
  | { reason: 'cordoned' }
  | { reason: 'not-ready' }
  /** `taint` is the first NoSchedule/NoExecute taint the pod does not tolerate, as `key` or `key=value`. */
  | { reason: 'tainted'; taint: string }
  | { reason: 'no-match' };

export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

const unschedulableTaint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

function requirementMatches(requirement: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      // Both sides are integers, or the requirement does not match (k8s.io/component-helpers nodeaffinity).
      const have = Number(value);
      const want = Number(values[0]);
      if (value === undefined || !Number.isInteger(have) || !Number.isInteger(want)) return false;
      return requirement.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: NodeCapacity): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term selects no node; the only field a term may name is metadata.name.
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every((r) => requirementMatches(r, node.labels[r.key])) &&
    fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.name))
  );
}

/** kube-scheduler's NodeAffinity filter: every nodeSelector label equal, and one required term matching. */
export function matchesNode(pod: PodSummary, node: NodeCapacity): boolean {
  for (const [key, value] of Object.entries(pod.nodeSelector)) {
    if (node.labels[key] !== value) return false;
  }
  const terms = pod.requiredNodeAffinity;
  return terms === undefined || terms.some((term) => termMatches(term, node));
}

/**
 * Why `pod` may not land on `node`, or undefined when it may (room aside). The first reason found wins, so a
 * cordoned node counts as cordoned and not as carrying the `node.kubernetes.io/unschedulable` taint. Like
 * kube-scheduler, a pod tolerating that taint may land on a cordoned node; unlike it, a NotReady node is
 * never counted, tolerations or not: nobody should plan a drain around pods landing on a sick node.
 */
export function exclusionOf(
  pod: PodSummary,
  node: NodeCapacity,
  drained: ReadonlySet<string>,
): Exclusion | undefined {
  if (drained.has(node.name)) return { reason: 'being-drained' };
  if (node.unschedulable && !tolerates(pod.tolerations, unschedulableTaint)) return { reason: 'cordoned' };
  if (!node.ready) return { reason: 'not-ready' };
  const taint = node.taints.find(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod.tolerations, t),
  );
  if (taint) return { reason: 'tainted', taint: taint.value ? `${taint.key}=${taint.value}` : taint.key };
  if (!matchesNode(pod, node)) return { reason: 'no-match' };
  return undefined;
}
