import type {
  ChangeWindow,
  PolicyConfig,
  PolicyFields,
  PolicyRule,
  Principals,
} from '../config/policy-schema.js';

/** The policy that governs one command on one cluster, after defaults and matching rules are merged. */
export interface EffectivePolicy {
  cluster: string;
  command: string;
  /** Undefined: anyone who may address the cluster from the channel. */
  requesters: Principals | undefined;
  /** Undefined: anyone (after the four-eyes rule). */
  approvers: Principals | undefined;
  approvals: number;
  selfApproval: boolean;
  expirySeconds: number;
  /** Empty: any time. */
  windows: ChangeWindow[];
}

export const DEFAULT_EXPIRY_SECONDS = 30 * 60;

/** How specific a pattern is for `name`: an exact name beats `prefix-*`, which beats `*`; -1 = no match. */
function specificity(pattern: string, name: string): number {
  if (pattern === name) return 2;
  if (pattern === '*') return 0;
  if (!pattern.includes('*')) return -1;
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`);
  return regex.test(name) ? 1 : -1;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function ruleScore(rule: PolicyRule, cluster: string, command: string): number {
  const clusterScore = Math.max(...rule.clusters.map((p) => specificity(p, cluster)));
  const commandScore = Math.max(...rule.commands.map((p) => specificity(p, command)));
  // The cluster decides first (how risky the place is), then the command.
  return clusterScore < 0 || commandScore < 0 ? -1 : clusterScore * 3 + commandScore;
}

/**
 * Defaults, then every rule that matches the cluster and the command, least specific first: a rule naming the
 * cluster beats a `prod-*` pattern, which beats `*`; for equally specific clusters, the rule naming the
 * command beats `*`; equally specific rules apply in file order (the later wins). Each rule changes only the
 * fields it sets. Approvers default to the requesters.
 */
export function effectivePolicy(policy: PolicyConfig, cluster: string, command: string): EffectivePolicy {
  const matching = policy.rules
    .map((rule, index) => ({ rule, index, score: ruleScore(rule, cluster, command) }))
    .filter((m) => m.score >= 0)
    .sort((a, b) => a.score - b.score || a.index - b.index);
  const merged: PolicyFields = { ...policy.defaults };
  for (const { rule } of matching) {
    for (const key of Object.keys(rule) as Array<keyof PolicyRule>) {
      if (key === 'clusters' || key === 'commands' || rule[key] === undefined) continue;
      Object.assign(merged, { [key]: rule[key] });
    }
  }
  return {
    cluster,
    command,
    requesters: merged.requesters,
    approvers: merged.approvers ?? merged.requesters,
    approvals: merged.approvals ?? 0,
    selfApproval: merged.selfApproval ?? false,
    expirySeconds: merged.expiry ?? DEFAULT_EXPIRY_SECONDS,
    windows: merged.windows ?? [],
  };
}
