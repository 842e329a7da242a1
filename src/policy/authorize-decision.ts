import type { Principals } from '../config/policy-schema.js';
import { GroupLookupError } from './group-members.js';
import { type Actor, type GroupMembership, isAmong } from './principals.js';

/** What an approval was opened with: who asked, who may approve, and whether the asker counts. */
export interface ApprovalTerms {
  requester: string;
  approvers: Principals | undefined;
  selfApproval: boolean;
}

export type DecisionRefusal =
  | { reason: 'own-request' }
  | { reason: 'not-approver' }
  | { reason: 'group-lookup-failed'; groupId: string };

export type DecisionVerdict = { allowed: true } | { allowed: false; refusal: DecisionRefusal };

/**
 * May `actor` approve or reject? Approvers may do both. The requester may always reject (withdraw) their own
 * request, and approve it only where the policy allows self-approval ("four eyes" otherwise).
 */
export async function authorizeDecision(
  terms: ApprovalTerms,
  groups: GroupMembership,
  actor: Actor,
  decision: 'approve' | 'reject',
): Promise<DecisionVerdict> {
  const own = actor.user === terms.requester;
  if (own && decision === 'reject') return { allowed: true };
  if (own && !terms.selfApproval) return { allowed: false, refusal: { reason: 'own-request' } };
  try {
    if (await isAmong(terms.approvers, actor, groups)) return { allowed: true };
  } catch (error) {
    if (error instanceof GroupLookupError) {
      return { allowed: false, refusal: { reason: 'group-lookup-failed', groupId: error.groupId } };
    }
    throw error;
  }
  return { allowed: false, refusal: { reason: 'not-approver' } };
}
