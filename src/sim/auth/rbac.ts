import type { KubeObject, Registry } from '../types.js';
import type { RequestAttributes } from './attributes.js';
import { SYSTEM_MASTERS, type UserInfo } from './user.js';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const RBAC = 'rbac.authorization.k8s.io';
const ROLES = { group: RBAC, resource: 'roles' };
const ROLE_BINDINGS = { group: RBAC, resource: 'rolebindings' };
const CLUSTER_ROLES = { group: RBAC, resource: 'clusterroles' };
const CLUSTER_ROLE_BINDINGS = { group: RBAC, resource: 'clusterrolebindings' };

/**
 * cluster-admin's rules, which system:masters has whatever the stored policy says (as the API server's
 * privileged-group authorizer gives them before RBAC is asked).
 */
const MASTERS_RULES: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

// The matchers of pkg/apis/rbac/v1/evaluation_helpers.go.
function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}
function groupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}
function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) =>
      r === '*' ||
      r === combined ||
      (subresource !== '' &&
        r.length === subresource.length + 2 &&
        r.startsWith('*/') &&
        r.endsWith(subresource)),
  );
}
function nameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}
function urlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))),
  );
}

/** `RuleAllows` of plugin/pkg/auth/authorizer/rbac/rbac.go. */
export function ruleAllows(attributes: RequestAttributes, rule: PolicyRule): boolean {
  if (attributes.resourceRequest) {
    const combined = attributes.subresource
      ? `${attributes.resource}/${attributes.subresource}`
      : attributes.resource;
    return (
      verbMatches(rule, attributes.verb) &&
      groupMatches(rule, attributes.apiGroup) &&
      resourceMatches(rule, combined, attributes.subresource) &&
      nameMatches(rule, attributes.name)
    );
  }
  return verbMatches(rule, attributes.verb) && urlMatches(rule, attributes.path);
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

/** `appliesToUser` of pkg/registry/rbac/validation/rule.go. */
function appliesTo(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name ?? '');
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace !== '' && user.username === `system:serviceaccount:${namespace}:${subject.name}`;
    }
    default:
      return false;
  }
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]) : [];
}

export interface RuleSet {
  rules: PolicyRule[];
  /** Resolution errors (`clusterrole.rbac.authorization.k8s.io "x" not found`), as RBAC reports them. */
  errors: string[];
}

/**
 * Every rule that applies to `user` in `namespace` ('' = cluster-wide only): system:masters', the stored
 * ClusterRoleBindings (the bootstrap policy's among them), then the namespace's RoleBindings
 * (`DefaultRuleResolver.VisitRulesFor`).
 */
export async function rulesFor(registry: Registry, user: UserInfo, namespace: string): Promise<RuleSet> {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  if (user.groups.includes(SYSTEM_MASTERS)) rules.push(...MASTERS_RULES);
  // Aggregated ClusterRoles count with the rules the aggregation controller stored, as RBAC reads them.
  const clusterRoleRules = async (name: string): Promise<PolicyRule[] | undefined> => {
    try {
      return rulesOf(await registry.get(CLUSTER_ROLES, undefined, name));
    } catch {
      return undefined;
    }
  };
  const roleRef = (binding: KubeObject) =>
    (binding.roleRef ?? {}) as { kind?: string; name?: string; apiGroup?: string };
  const subjects = (binding: KubeObject) =>
    Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];

  for (const binding of (await registry.list(CLUSTER_ROLE_BINDINGS)).items) {
    if (!subjects(binding).some((subject) => appliesTo(user, subject, ''))) continue;
    const ref = roleRef(binding);
    const found = ref.kind === 'ClusterRole' ? await clusterRoleRules(ref.name ?? '') : undefined;
    if (found) rules.push(...found);
    else errors.push(`clusterrole.${RBAC} "${ref.name}" not found`);
  }
  if (namespace !== '') {
    for (const binding of (await registry.list(ROLE_BINDINGS, { namespace })).items) {
      if (!subjects(binding).some((subject) => appliesTo(user, subject, namespace))) continue;
      const ref = roleRef(binding);
      if (ref.kind === 'ClusterRole') {
        const found = await clusterRoleRules(ref.name ?? '');
        if (found) rules.push(...found);
        else errors.push(`clusterrole.${RBAC} "${ref.name}" not found`);
        continue;
      }
      try {
        rules.push(...rulesOf(await registry.get(ROLES, namespace, ref.name ?? '')));
      } catch {
        errors.push(`role.${RBAC} "${ref.name}" not found`);
      }
    }
  }
  return { rules, errors };
}

export interface Decision {
  allowed: boolean;
  /** RBAC's reason: why it was allowed, or the resolution errors that may explain a denial ('' when none). */
  reason: string;
}

export async function authorize(registry: Registry, attributes: RequestAttributes): Promise<Decision> {
  const { rules, errors } = await rulesFor(registry, attributes.user, attributes.namespace);
  if (rules.some((rule) => ruleAllows(attributes, rule))) return { allowed: true, reason: '' };
  // utilerrors.NewAggregate: one error as is, several as `[a, b]`.
  const aggregate = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregate}` : '' };
}
