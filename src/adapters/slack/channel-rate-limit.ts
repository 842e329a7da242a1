import type { RedisClient } from '../../queue/connection.js';

/**
 * Generic cell rate algorithm with reservations: each call books the next slot for a channel and says how long
 * to wait for it. Bursts of `burst` go at once; after that one message per `intervalMs`. Shared by every worker
 * through Redis, so the pace holds however many workers run.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tau = (tonumber(ARGV[3]) - 1) * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local sendAt = tat - tau
if sendAt < now then sendAt = now end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.floor(tat + interval - now + 60000))
return sendAt - now`;

/** Pushes the bucket's next free slot to at least `until` (after a 429 with Retry-After). */
const BLOCK_UNTIL = `
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs = tonumber(ARGV[1])
if untilMs > tat then redis.call('SET', KEYS[1], untilMs, 'PX', math.floor(untilMs - tonumber(ARGV[2]) + 60000)) end
return 1`;

export interface RateSpec {
  intervalMs: number;
  burst: number;
}

export class ChannelRateLimiter {
  constructor(private readonly redis: RedisClient) {}

  /** Books a slot; resolves to the milliseconds to wait before using it (0 = now). */
  async reserve(key: string, spec: RateSpec, now = Date.now()): Promise<number> {
    const wait = await this.redis.eval(
      RESERVE,
      1,
      key,
      String(now),
      String(spec.intervalMs),
      String(spec.burst),
    );
    return Number(wait);
  }

  async blockUntil(key: string, untilMs: number, now = Date.now()): Promise<void> {
    await this.redis.eval(BLOCK_UNTIL, 1, key, String(untilMs), String(now));
  }
}

/**
 * Slack: about one new message per second per channel, short bursts tolerated. The burst is kept small so that
 * Slack's own bucket always has a token of headroom: messages arrive later than we book them (network, queue
 * latency), and a late burst followed by an on-time message must still pass.
 */
export const POST_RATE: RateSpec = { intervalMs: 1000, burst: 2 };
/** chat.update and ephemeral messages are paced on their own; card updates coalesce, so this rarely binds. */
export const UPDATE_RATE: RateSpec = { intervalMs: 500, burst: 6 };
export const EPHEMERAL_RATE: RateSpec = { intervalMs: 300, burst: 10 };

export interface OutboxRates {
  post: RateSpec;
  update: RateSpec;
  ephemeral: RateSpec;
}

export const SLACK_RATES: OutboxRates = { post: POST_RATE, update: UPDATE_RATE, ephemeral: EPHEMERAL_RATE };
