import type { NoticeLedger } from '../adapters/slack/outbox-sender.js';
import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';

/** A notice's ts is kept as long as an alert may be rewritten: a month. */
const KEEP_SECONDS = 31 * 86_400;

/** Where the outbox remembers each notice's Slack ts, by key, in Redis. */
export class RedisNoticeLedger implements NoticeLedger {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async ts(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.notice(key))) ?? undefined;
  }

  async remember(key: string, ts: string): Promise<void> {
    await this.redis.set(this.keys.notice(key), ts, 'EX', KEEP_SECONDS);
  }
}
