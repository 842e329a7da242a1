import type { CachedGroup, GroupCache } from '../policy/group-members.js';
import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';

/** User-group members cached in Redis for every bot process; kept a day so a Slack outage can fall back on them. */
export class RedisGroupCache implements GroupCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly keepSeconds = 86400,
  ) {}

  async read(groupId: string): Promise<CachedGroup | undefined> {
    const text = await this.redis.get(this.keys.usergroup(groupId));
    if (!text) return undefined;
    try {
      const parsed = JSON.parse(text) as Partial<CachedGroup>;
      if (!Array.isArray(parsed.users) || typeof parsed.fetchedAt !== 'number') return undefined;
      return {
        users: parsed.users.filter((u): u is string => typeof u === 'string'),
        fetchedAt: parsed.fetchedAt,
      };
    } catch {
      return undefined;
    }
  }

  async write(groupId: string, group: CachedGroup): Promise<void> {
    await this.redis.set(this.keys.usergroup(groupId), JSON.stringify(group), 'EX', this.keepSeconds);
  }
}
