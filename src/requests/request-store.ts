import { z } from 'zod';
import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';
import { CommandRef, type RequestMeta, type SlackMessage } from '../queue/payloads.js';

export const RequestState = z.enum([
  'queued',
  'awaiting-approval',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
]);
export type RequestState = z.infer<typeof RequestState>;

export const TERMINAL_STATES: ReadonlySet<RequestState> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
]);

export interface RequestRecord extends RequestMeta {
  state: RequestState;
  updatedAt: number;
  parentTs?: string;
  summary?: string;
  /** The parsed command, as the handler enqueued it (absent on records written before it was stored). */
  command?: CommandRef;
}

/** Raises a hash field to `value` only if it is higher (thread replies complete in order). */
const RAISE = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
if tonumber(ARGV[2]) > current then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return current`;

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Moves a request to a new state unless it already ended (a late "succeeded" must not undo "cancelled"). */
const TRANSITION = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 0 end
if state == 'succeeded' or state == 'failed' or state == 'cancelled' or state == 'rejected' or state == 'expired' then
  return 0
end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'updatedAt', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'summary', ARGV[3]) end
if ARGV[1] == 'succeeded' or ARGV[1] == 'failed' or ARGV[1] == 'cancelled' or ARGV[1] == 'rejected' or ARGV[1] == 'expired' then
  redis.call('ZREM', KEYS[2], ARGV[4])
end
return 1`;

/**
 * Records a new request in one step (a crash never leaves half a record): the hash, its place in the channel's
 * recent requests and in the open requests. 0 when the id was seen before.
 */
const CLAIM = `
if redis.call('HSETNX', KEYS[1], 'id', ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -201)
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`;

function decodeCommand(stored: string | undefined): CommandRef | undefined {
  if (!stored) return undefined;
  try {
    const parsed = CommandRef.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What bosun knows about each request, in Redis: its state for `/bosun jobs`, its parent message and card, and
 * the order of its thread replies. Entries expire after two weeks.
 */
export class RequestStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds = 14 * 86400,
  ) {}

  /** Records a new request; false if the id was seen before (a redelivery), which then must change nothing. */
  async claim(
    meta: RequestMeta,
    state: RequestState,
    card: SlackMessage,
    command: CommandRef,
  ): Promise<boolean> {
    const now = Date.now();
    const fields = {
      channel: meta.channel,
      user: meta.user,
      text: meta.text,
      command: JSON.stringify(command),
      cluster: meta.cluster ?? '',
      requestedAt: String(meta.requestedAt),
      state,
      updatedAt: String(now),
      card: JSON.stringify(card),
      cardVersion: '1',
      cardSent: '0',
      seq: '0',
      threadDone: '-1',
    };
    const claimed = await this.redis.eval(
      CLAIM,
      3,
      this.keys.request(meta.id),
      this.keys.channelRequests(meta.channel),
      this.keys.openRequests(),
      meta.id,
      String(this.ttlSeconds),
      String(meta.requestedAt),
      ...Object.entries(fields).flat(),
    );
    return claimed === 1;
  }

  async get(id: string): Promise<RequestRecord | undefined> {
    const h = await this.redis.hgetall(this.keys.request(id));
    if (!h.id || !h.state) return undefined;
    const state = RequestState.safeParse(h.state);
    return {
      id: h.id,
      channel: h.channel ?? '',
      user: h.user ?? '',
      text: h.text ?? '',
      cluster: h.cluster || undefined,
      requestedAt: Number(h.requestedAt ?? 0),
      state: state.success ? state.data : 'failed',
      updatedAt: Number(h.updatedAt ?? 0),
      parentTs: h.parentTs || undefined,
      summary: h.summary || undefined,
      command: decodeCommand(h.command),
    };
  }

  /** Moves to `state`; false when the request had already ended (or does not exist). */
  async transition(id: string, state: RequestState, summary = ''): Promise<boolean> {
    const changed = await this.redis.eval(
      TRANSITION,
      2,
      this.keys.request(id),
      this.keys.openRequests(),
      state,
      String(Date.now()),
      summary,
      id,
    );
    return changed === 1;
  }

  /** Ids of requests that have not ended, requested before `before` (ms), oldest first, at most `limit`. */
  async openBefore(before: number, limit = 100): Promise<string[]> {
    return await this.redis.zrangebyscore(this.keys.openRequests(), '-inf', before, 'LIMIT', 0, limit);
  }

  /** Drops an id from the open requests (its record is gone, or it ended before the index existed). */
  async forgetOpen(id: string): Promise<void> {
    await this.redis.zrem(this.keys.openRequests(), id);
  }

  async recent(channel: string, limit = 10): Promise<RequestRecord[]> {
    const ids = await this.redis.zrevrange(this.keys.channelRequests(channel), 0, limit - 1);
    const records = await Promise.all(ids.map((id) => this.get(id)));
    return records.filter((r): r is RequestRecord => r !== undefined);
  }

  /** Stores the card's new state; returns its version. */
  async saveCard(id: string, card: SlackMessage): Promise<number> {
    const key = this.keys.request(id);
    const [, version] =
      (await this.redis
        .multi()
        .hset(key, 'card', JSON.stringify(card))
        .hincrby(key, 'cardVersion', 1)
        .exec()) ?? [];
    return Number(version?.[1] ?? 0);
  }

  async cardState(
    id: string,
  ): Promise<{ card: SlackMessage | undefined; version: number; sent: number; parentTs?: string }> {
    const [card, version, sent, parentTs] = await this.redis.hmget(
      this.keys.request(id),
      'card',
      'cardVersion',
      'cardSent',
      'parentTs',
    );
    return {
      card: card ? (JSON.parse(card) as SlackMessage) : undefined,
      version: Number(version ?? 0),
      sent: Number(sent ?? 0),
      parentTs: parentTs ?? undefined,
    };
  }

  async markCardSent(id: string, version: number): Promise<void> {
    await this.redis.eval(RAISE, 1, this.keys.request(id), 'cardSent', String(version));
  }

  /** The parent message exists: thread replies may go, starting after it (sequence 0). */
  async setParent(id: string, ts: string, cardVersion: number): Promise<void> {
    const key = this.keys.request(id);
    await this.redis.hset(key, 'parentTs', ts);
    await this.redis.eval(RAISE, 1, key, 'cardSent', String(cardVersion));
    await this.redis.eval(RAISE, 1, key, 'threadDone', '0');
  }

  async parentTs(id: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.request(id), 'parentTs')) ?? undefined;
  }

  /** The next thread reply's sequence number (1, 2, …). */
  async nextSeq(id: string): Promise<number> {
    return await this.redis.hincrby(this.keys.request(id), 'seq', 1);
  }

  /** The highest sequence number delivered so far (-1 before the parent, 0 once the parent is posted). */
  async threadDone(id: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.request(id), 'threadDone')) ?? -1);
  }

  /** Records the slot a thread message (parent or reply) is booked to go out at; replies behind it sleep until then. */
  async bookThread(id: string, at: number): Promise<void> {
    await this.redis.eval(RAISE, 1, this.keys.request(id), 'threadAt', String(Math.round(at)));
  }

  /** The latest slot a message of this thread is booked for (0 when none). */
  async threadBookedAt(id: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.request(id), 'threadAt')) ?? 0);
  }

  /** One card update at a time per request, so an older state never lands after a newer one. */
  async lockCard(id: string, owner: string): Promise<boolean> {
    return (await this.redis.set(this.keys.cardLock(id), owner, 'PX', 15_000, 'NX')) === 'OK';
  }

  async unlockCard(id: string, owner: string): Promise<void> {
    await this.redis.eval(UNLOCK, 1, this.keys.cardLock(id), owner);
  }

  async markReplyDone(id: string, seq: number): Promise<void> {
    await this.redis.eval(RAISE, 1, this.keys.request(id), 'threadDone', String(seq));
  }
}
