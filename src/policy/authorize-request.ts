import type { ChangeWindow, PolicyConfig } from '../config/policy-schema.js';
import { checkChangeWindows, type WindowOccurrence } from './change-window.js';
import { type EffectivePolicy, effectivePolicy } from './effective-policy.js';
import { GroupLookupError } from './group-members.js';
import { type Actor, type GroupMembership, isAmong } from './principals.js';

export type RequestRefusal =
  | { reason: 'not-requester' }
  | { reason: 'outside-window'; windows: ChangeWindow[]; next: WindowOccurrence | undefined }
  | { reason: 'group-lookup-failed'; groupId: string };

export type RequestVerdict =
  | { allowed: true; policy: EffectivePolicy }
  | { allowed: false; policy: EffectivePolicy; refusal: RequestRefusal };

export interface RequestToAuthorize extends Actor {
  cluster: string;
  command: string;
  now: number;
}

/**
 * May `user` ask for `command` on `cluster` from `channel`, now? (The channel's access to the cluster is
 * checked before, by cluster-access.ts.) A group that cannot be looked up refuses rather than guesses.
 */
export async function authorizeRequest(
  config: PolicyConfig,
  groups: GroupMembership,
  request: RequestToAuthorize,
): Promise<RequestVerdict> {
  const policy = effectivePolicy(config, request.cluster, request.command);
  try {
    if (!(await isAmong(policy.requesters, request, groups))) {
      return { allowed: false, policy, refusal: { reason: 'not-requester' } };
    }
  } catch (error) {
    if (error instanceof GroupLookupError) {
      return { allowed: false, policy, refusal: { reason: 'group-lookup-failed', groupId: error.groupId } };
    }
    throw error;
  }
  const window = checkChangeWindows(policy.windows, request.now);
  if (!window.open) {
    return {
      allowed: false,
      policy,
      refusal: { reason: 'outside-window', windows: policy.windows, next: window.next },
    };
  }
  return { allowed: true, policy };
}
