import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';
import type { UserNames } from './user-names.js';

/** The part of Slack's Web API client this needs (a WebClient has it). */
export interface UsersApi {
  users: {
    info(args: { user: string }): Promise<{
      user?: { name?: string; real_name?: string; profile?: { display_name?: string; real_name?: string } };
    }>;
  };
}

/** Slack user ids (`U…`, `W…` on Enterprise Grid); anything else is no person to look up. */
const USER_ID = /^[UW][A-Z0-9]+$/;

/**
 * Names from `users.info` (scope `users:read`): the display name, else the full name, else the handle. Kept in
 * Redis for a day for every bosun process; a lookup that fails or takes longer than `timeoutMs` gives no name,
 * so a slow Slack delays an audit entry by at most that and never loses it. The client is made on first use.
 */
export class SlackUserNames implements UserNames {
  private api: UsersApi | undefined;
  private readonly inFlight = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly client: () => UsersApi,
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly options: { keepSeconds?: number; timeoutMs?: number } = {},
  ) {}

  nameOf(userId: string): Promise<string | undefined> {
    if (!USER_ID.test(userId)) return Promise.resolve(undefined);
    // Concurrent entries about one person share one lookup; once it settles, Redis holds the answer (and its
    // expiry), and a lookup that found nothing is tried again by the next entry.
    let pending = this.inFlight.get(userId);
    if (!pending) {
      pending = this.lookUp(userId).finally(() => this.inFlight.delete(userId));
      this.inFlight.set(userId, pending);
    }
    return pending;
  }

  private async lookUp(userId: string): Promise<string | undefined> {
    const key = this.keys.userName(userId);
    const cached = await this.redis.get(key);
    if (cached) return cached;
    this.api ??= this.client();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, this.options.timeoutMs ?? 2000, undefined);
      timer.unref();
    });
    try {
      const answer = await Promise.race([this.api.users.info({ user: userId }), late]);
      const user = answer?.user;
      const name = user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name;
      if (name) await this.redis.set(key, name, 'EX', this.options.keepSeconds ?? 86400);
      return name || undefined;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
