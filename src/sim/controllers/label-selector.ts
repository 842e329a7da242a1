/** A metav1.LabelSelector as found in workloads and PDBs. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

function isSelector(value: unknown): value is LabelSelector {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether `labels` satisfy `selector`. An empty selector matches everything; a missing (null/undefined)
 * selector matches nothing, which is what policy/v1 PDBs and workload controllers expect. An operator
 * Kubernetes would reject makes the selector match nothing rather than everything.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  if (!isSelector(selector)) return false;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const present = Object.hasOwn(have, expression.key);
    const value = have[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!present || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (present && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
