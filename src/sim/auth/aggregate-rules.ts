import { isDeepStrictEqual } from 'node:util';
import { selectorMatches } from '../controllers/label-selector.js';
import type { KubeObject } from '../types.js';

function selectorsOf(role: KubeObject): unknown[] | undefined {
  const rule = role.aggregationRule as { clusterRoleSelectors?: unknown } | undefined;
  return Array.isArray(rule?.clusterRoleSelectors) ? rule.clusterRoleSelectors : undefined;
}

export function isAggregated(role: KubeObject): boolean {
  return selectorsOf(role) !== undefined;
}

/**
 * The rules the clusterrole-aggregation controller gives an aggregated ClusterRole
 * (pkg/controller/clusterroleaggregation): per selector, the selected ClusterRoles by name, itself left out,
 * each rule once.
 */
export function aggregatedRules(role: KubeObject, clusterRoles: readonly KubeObject[]): unknown[] {
  const rules: unknown[] = [];
  // Go's sort by name: byte order, not a locale's.
  const byName = [...clusterRoles].sort((a, b) => {
    const [x, y] = [a.metadata.name ?? '', b.metadata.name ?? ''];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const selector of selectorsOf(role) ?? []) {
    for (const other of byName) {
      if (other.metadata.name === role.metadata.name) continue;
      if (!selectorMatches(selector, other.metadata.labels)) continue;
      for (const rule of Array.isArray(other.rules) ? other.rules : []) {
        if (!rules.some((have) => isDeepStrictEqual(have, rule))) rules.push(rule);
      }
    }
  }
  return rules;
}

/** Whether the controller would write `role` (its stored rules differ from the aggregate). */
export function needsAggregation(
  role: KubeObject,
  clusterRoles: readonly KubeObject[],
): unknown[] | undefined {
  if (!isAggregated(role)) return undefined;
  const rules = aggregatedRules(role, clusterRoles);
  return isDeepStrictEqual(rules, role.rules) ? undefined : rules;
}
