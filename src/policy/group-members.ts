import type { Clock } from '../shared/clock.js';
import type { GroupMembership } from './principals.js';

/** Slack's `usergroups.users.list`, as a port: the user ids in a user group. */
export interface UsergroupDirectory {
  usersOf(groupId: string): Promise<string[]>;
}

export interface CachedGroup {
  users: string[];
  fetchedAt: number;
}

/** Where looked-up groups are kept between requests (Redis, shared by every bot process). */
export interface GroupCache {
  read(groupId: string): Promise<CachedGroup | undefined>;
  write(groupId: string, group: CachedGroup): Promise<void>;
}

/** A group could not be looked up and no earlier answer was kept. */
export class GroupLookupError extends Error {
  constructor(
    readonly groupId: string,
    cause: unknown,
  ) {
    super(
      `could not look up user group ${groupId}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = 'GroupLookupError';
  }
}

/**
 * Group members from Slack, cached: a cached answer younger than `freshMs` is used as is; an older one is
 * refreshed, and kept in use if Slack cannot be reached (a policy check should not fail because Slack hiccups
 * when we knew the answer minutes ago). Within one instance each group is looked up once.
 */
export class CachedGroupMembers implements GroupMembership {
  private readonly seen = new Map<string, Promise<readonly string[]>>();

  constructor(
    private readonly directory: UsergroupDirectory,
    private readonly cache: GroupCache,
    private readonly clock: Clock,
    private readonly freshMs = 5 * 60_000,
  ) {}

  members(groupId: string): Promise<readonly string[]> {
    let pending = this.seen.get(groupId);
    if (!pending) {
      pending = this.lookUp(groupId);
      this.seen.set(groupId, pending);
    }
    return pending;
  }

  private async lookUp(groupId: string): Promise<readonly string[]> {
    const cached = await this.cache.read(groupId);
    if (cached && this.clock.now() - cached.fetchedAt < this.freshMs) return cached.users;
    try {
      const users = await this.directory.usersOf(groupId);
      await this.cache.write(groupId, { users, fetchedAt: this.clock.now() });
      return users;
    } catch (error) {
      if (cached) return cached.users;
      throw new GroupLookupError(groupId, error);
    }
  }
}
