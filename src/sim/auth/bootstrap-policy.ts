import { readFileSync } from 'node:fs';
import { type KubeObject, type Registry, type ResourceRef, StatusError } from '../types.js';
import { needsAggregation } from './aggregate-rules.js';

const RBAC = 'rbac.authorization.k8s.io';
export const CLUSTER_ROLES: ResourceRef = { group: RBAC, resource: 'clusterroles' };
export const CLUSTER_ROLE_BINDINGS: ResourceRef = { group: RBAC, resource: 'clusterrolebindings' };

interface PolicyData {
  clusterRoles: Array<{
    name: string;
    labels?: Record<string, string>;
    aggregationRule?: unknown;
    rules: unknown[] | null;
  }>;
  clusterRoleBindings: Array<{ name: string; subjects: unknown[] | null }>;
}

const bootstrapping = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const autoupdate = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

/** kube-apiserver's bootstrap ClusterRoles and ClusterRoleBindings (bootstrap-policy.json says where from). */
export function bootstrapPolicy(): { clusterRoles: KubeObject[]; clusterRoleBindings: KubeObject[] } {
  const data = JSON.parse(
    readFileSync(new URL('./bootstrap-policy.json', import.meta.url), 'utf8'),
  ) as PolicyData;
  const clusterRoles = data.clusterRoles.map(
    (role): KubeObject => ({
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: {
        name: role.name,
        labels: { ...bootstrapping, ...role.labels },
        annotations: { ...autoupdate },
      },
      ...(role.aggregationRule ? { aggregationRule: role.aggregationRule } : {}),
      rules: role.rules,
    }),
  );
  // What the aggregation controller makes of admin, edit and view a moment after the server starts
  // (edit first: admin aggregates edit's rules).
  for (let changed = true; changed; ) {
    changed = false;
    for (const role of clusterRoles) {
      const rules = needsAggregation(role, clusterRoles);
      if (rules) {
        role.rules = rules;
        changed = true;
      }
    }
  }
  const clusterRoleBindings = data.clusterRoleBindings.map(
    (binding): KubeObject => ({
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: binding.name, labels: { ...bootstrapping }, annotations: { ...autoupdate } },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: binding.name },
      ...(binding.subjects ? { subjects: binding.subjects } : {}),
    }),
  );
  return { clusterRoles, clusterRoleBindings };
}

/**
 * The `rbac/bootstrap-roles` post-start hook: creates every bootstrap ClusterRole and ClusterRoleBinding that
 * is missing; existing ones are left as they are.
 */
export async function ensureBootstrapPolicy(registry: Registry): Promise<void> {
  const { clusterRoles, clusterRoleBindings } = bootstrapPolicy();
  const create = async (ref: ResourceRef, object: KubeObject) => {
    try {
      await registry.create(ref, undefined, object);
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 409)) throw error;
    }
  };
  for (const role of clusterRoles) await create(CLUSTER_ROLES, role);
  for (const binding of clusterRoleBindings) await create(CLUSTER_ROLE_BINDINGS, binding);
}
