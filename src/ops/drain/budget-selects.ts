import type { BudgetSummary, LabelSelectorSpec } from '../../ports/disruption-budgets.js';
import type { PodSummary } from '../../ports/pod-inventory.js';

/** Label-selector semantics of policy/v1: a null selector matches nothing, an empty one every pod. */
export function selectorMatches(selector: LabelSelectorSpec | null, labels: Record<string, string>): boolean {
  if (selector === null) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expression.key);
    const value = labels[expression.key];
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** The budgets of the pod's namespace that select it (the eviction API refuses a pod with more than one). */
export function budgetsOf(pod: Pick<PodSummary, 'namespace' | 'labels'>, budgets: readonly BudgetSummary[]) {
  return budgets.filter((b) => b.namespace === pod.namespace && selectorMatches(b.selector, pod.labels));
}
