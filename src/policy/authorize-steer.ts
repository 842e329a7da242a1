import type { PolicyConfig } from '../config/policy-schema.js';
import type { OperatorDecision } from '../ports/operator-decisions.js';
import { authorizeDecision } from './authorize-decision.js';
import { effectivePolicy } from './effective-policy.js';
import { type Actor, type GroupMembership, isAmong } from './principals.js';

/** The running request a button belongs to. */
export interface SteeredRequest {
  /** Who asked for it. */
  requester: string;
  cluster: string;
  /** The policy's name for its command (the operation's name). */
  command: string;
}

export type SteerRefusal =
  /** Not among those who may request this command on this cluster. */
  | { reason: 'not-requester'; command: string; cluster: string }
  /** Deleting a pod against its budget, by the requester, where the policy asks for a second person. */
  | { reason: 'own-request' }
  /** Deleting a pod against its budget, by someone who may not approve this command. */
  | { reason: 'not-approver' }
  | { reason: 'group-lookup-failed'; groupId: string };

export type SteerVerdict = { allowed: true } | { allowed: false; refusal: SteerRefusal };

/**
 * May `actor` press this button of a running request? Whoever may request the command on the cluster may
 * steer it (keep waiting, skip a pod, abort, maintenance done). Deleting a pod against its budget overrides
 * a safety the policy relies on: where the policy asks for approvals it needs an approver, and not the
 * requester unless the policy allows self-approval.
 */
export async function authorizeSteer(
  policyConfig: PolicyConfig,
  groups: GroupMembership,
  request: SteeredRequest,
  actor: Actor,
  kind: OperatorDecision['kind'],
): Promise<SteerVerdict> {
  const policy = effectivePolicy(policyConfig, request.cluster, request.command);
  if (!(await isAmong(policy.requesters, actor, groups))) {
    return {
      allowed: false,
      refusal: { reason: 'not-requester', command: request.command, cluster: request.cluster },
    };
  }
  if (kind !== 'delete-pod' || policy.approvals === 0) return { allowed: true };
  const verdict = await authorizeDecision(
    { requester: request.requester, approvers: policy.approvers, selfApproval: policy.selfApproval },
    groups,
    actor,
    'approve',
  );
  return verdict.allowed ? verdict : { allowed: false, refusal: verdict.refusal };
}
