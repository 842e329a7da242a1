import type { Principals } from '../config/policy-schema.js';

/** Members of a Slack user group. Lookups may fail (Slack down, missing scope); callers decide what that means. */
export interface GroupMembership {
  members(groupId: string): Promise<readonly string[]>;
}

export interface Actor {
  user: string;
  channel: string;
  /**
   * For a click: the top-level message it came from or, in a thread, the thread's parent. A request's buttons
   * sit on its card or in its thread, so this is the request's card; absent when Slack does not say (an
   * ephemeral message).
   */
  thread?: string;
}

/**
 * Whether `actor` is among `principals`: undefined principals mean anyone; `channels` must contain the channel
 * when given; with neither `users` nor `groups`, anyone (in those channels) is in.
 */
export async function isAmong(
  principals: Principals | undefined,
  actor: Actor,
  groups: GroupMembership,
): Promise<boolean> {
  if (!principals) return true;
  if (principals.channels && !principals.channels.includes(actor.channel)) return false;
  if (principals.users === undefined && principals.groups === undefined) return true;
  if (principals.users?.includes(actor.user)) return true;
  for (const group of principals.groups ?? []) {
    if ((await groups.members(group)).includes(actor.user)) return true;
  }
  return false;
}
