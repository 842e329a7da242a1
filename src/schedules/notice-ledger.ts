import type { NoticeLedger } from '../adapters/slack/outbox-sender.js';
import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';

/** A notice's ts is kept as long as an alert may be rewritten: a month. */
const KEEP_SECONDS = 31 * 86_400;

/** Records `version` unless a higher one is recorded: rewrites of one notice apply newest last. */
const CLAIM = `
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) < current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

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

  async claimVersion(key: string, version: number): Promise<boolean> {
    const claimed = await this.redis.eval(
      CLAIM,
      1,
      `${this.keys.notice(key)}:version`,
      version,
      KEEP_SECONDS,
    );
    return claimed === 1;
  }
}
