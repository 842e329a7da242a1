import type { KubeObject } from '../types.js';

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

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
      const have = Number(value);
      const want = Number(values[0]);
      if (value === undefined || !Number.isInteger(have) || !Number.isInteger(want)) return false;
      return requirement.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term selects no node (k8s.io/component-helpers nodeaffinity).
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    expressions.every((r) => requirementMatches(r, labels[r.key])) &&
    fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name))
  );
}

/**
 * The NodeAffinity filter: `spec.nodeSelector` (every label equal) and the required node affinity
 * (any term matching). Preferred affinity only scores and is ignored here.
 */
export function podMatchesNode(pod: KubeObject, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const nodeSelector: Record<string, string> = pod.spec?.nodeSelector ?? {};
  for (const [key, value] of Object.entries(nodeSelector)) {
    if (labels[key] !== value) return false;
  }
  const terms: NodeSelectorTerm[] | undefined =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((term) => termMatches(term, node));
}

/** Whether a PersistentVolume's `spec.nodeAffinity.required` lets `node` use it (no affinity: any node). */
export function volumeMatchesNode(volume: KubeObject, node: KubeObject): boolean {
  const terms: NodeSelectorTerm[] | undefined = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((term) => termMatches(term, node));
}
