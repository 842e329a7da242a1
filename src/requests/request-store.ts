import { z } from 'zod';
import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';
import { CommandRef, type RequestMeta, type SlackMessage } from '../queue/payloads.js';
import { SupersededError } from './superseded.js';

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

/**
 * The fence check every write of a running request starts with: ARGV[1] is the writer's fence ('' for writers
 * outside a run: the bot, the reconciler), refused (-1) when a newer run holds the request, and (-2) when the
 * record is gone (Redis restarted empty): the run writes it back (RequestStore.hold) and tries again, so nothing
 * half a record is ever written. A record without a fence (written before fences) refuses no one.
 */
const FENCED = `
if ARGV[1] ~= '' then
  if redis.call('HEXISTS', KEYS[1], 'id') == 0 then return -2 end
  local fence = redis.call('HGET', KEYS[1], 'fence')
  if fence and fence ~= ARGV[1] then return -1 end
end
`;

/** A run takes the request over: its fence is one more than any earlier run's; 0 when the request ended or is gone. */
const TAKE_OVER = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 0 end
if state == 'succeeded' or state == 'failed' or state == 'cancelled' or state == 'rejected' or state == 'expired' then
  return 0
end
return redis.call('HINCRBY', KEYS[1], 'fence', 1)`;

/**
 * Moves a request to a new state unless it already ended (a late "succeeded" must not undo "cancelled") or a
 * newer run holds it (-1).
 */
const TRANSITION = `${FENCED}
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 0 end
if state == 'succeeded' or state == 'failed' or state == 'cancelled' or state == 'rejected' or state == 'expired' then
  return 0
end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'updatedAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'summary', ARGV[4]) end
if ARGV[2] == 'succeeded' or ARGV[2] == 'failed' or ARGV[2] == 'cancelled' or ARGV[2] == 'rejected' or ARGV[2] == 'expired' then
  redis.call('ZREM', KEYS[2], ARGV[5])
end
return 1`;

/** Stores the card's new state and returns its version, unless a newer run holds the request (-1). */
const SAVE_CARD = `${FENCED}
redis.call('HSET', KEYS[1], 'card', ARGV[2])
return redis.call('HINCRBY', KEYS[1], 'cardVersion', 1)`;

/** The next thread reply's sequence number, unless a newer run holds the request (-1). */
const NEXT_SEQ = `${FENCED}
return redis.call('HINCRBY', KEYS[1], 'seq', 1)`;

/**
 * Writes back the record of a request a run still works on, when Redis lost it (an empty restart): only when
 * gone (HSETNX), with the run's fence, in the channel's recent and the open requests. 1 when written.
 */
const REINSTATE = `
if redis.call('HSETNX', KEYS[1], 'id', ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`;

/** How long a run's "still working" mark lives without renewal, unless the run says (its locks' TTL). */
const RUN_ALIVE_MS = 30_000;

/**
 * A run's checkpoint into its BullMQ job's data (BullMQ's updateData, fenced): KEYS[1] the request, KEYS[2] the
 * job's hash; ARGV[1] the run's fence, ARGV[2] the data. -1 when a later run took the request over (or its record
 * is gone), -2 when the job is gone, 1 when written.
 */
const SAVE_JOB_DATA = `
if redis.call('HGET', KEYS[1], 'fence') ~= ARGV[1] then return -1 end
if redis.call('EXISTS', KEYS[2]) == 0 then return -2 end
redis.call('HSET', KEYS[2], 'data', ARGV[2])
return 1`;

/** Deletes KEYS[1] if it holds ARGV[1]: a run's mark, not a later run's. */
const DEL_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The record a run holds in memory, to write back if Redis loses it. */
interface Held {
  record: RequestRecord;
  fence: number;
  aliveMs: number;
  heartbeat?: ReturnType<typeof setInterval>;
}

/** '' for a writer outside a run; a run's own fence otherwise. */
const fenceArg = (fence: number | undefined) => (fence === undefined ? '' : String(fence));

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
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly ttlSeconds = 14 * 86400,
  ) {}

  /**
   * A run (with `fence`) works on `record` until `release`. From now on it keeps a "still working" mark the
   * reconciler respects (`runAlive`), living `aliveMs` and renewed every third of it, so a request whose BullMQ
   * job is gone (Redis lost it, BullMQ failed it as stalled, someone removed it) while its run goes on is left to
   * that run to end with the truth, and closed as lost only once the mark expired with the run. When a fenced
   * write of the run finds the record gone (Redis restarted empty mid-run), the record is written back from this
   * copy, as running and with the run's fence, and the write is made again, so the card still ends with the
   * truth and `/bosun jobs` knows the request.
   */
  hold(record: RequestRecord, fence: number, aliveMs = RUN_ALIVE_MS): void {
    this.release(record.id);
    const held: Held = { record: { ...record }, fence, aliveMs };
    this.held.set(record.id, held);
    const mark = () =>
      void this.redis.set(this.keys.runAlive(record.id), String(fence), 'PX', aliveMs).catch(() => undefined);
    mark();
    held.heartbeat = setInterval(mark, Math.max(100, Math.floor(aliveMs / 3)));
    held.heartbeat.unref();
  }

  /** Ends the hold; with `fence`, only that run's (a later run of the request on this worker keeps its own). */
  release(id: string, fence?: number): void {
    const held = this.held.get(id);
    if (!held || (fence !== undefined && held.fence !== fence)) return;
    clearInterval(held.heartbeat);
    void this.redis.eval(DEL_IF_EQUAL, 1, this.keys.runAlive(id), String(held.fence)).catch(() => undefined);
    this.held.delete(id);
  }

  /** Writes a held record back if Redis lost it; true when it did. */
  async reinstate(id: string): Promise<boolean> {
    const held = this.held.get(id);
    if (!held) return false;
    const { record, fence } = held;
    const fields = {
      channel: record.channel,
      user: record.user,
      text: record.text,
      ...(record.command ? { command: JSON.stringify(record.command) } : {}),
      cluster: record.cluster ?? '',
      requestedAt: String(record.requestedAt),
      state: 'running',
      updatedAt: String(Date.now()),
      cardVersion: '0',
      cardSent: '0',
      seq: '0',
      ...(record.parentTs ? { parentTs: record.parentTs, threadDone: '0' } : { threadDone: '-1' }),
      fence: String(fence),
      reinstatedAt: String(Date.now()),
    };
    const written = await this.redis.eval(
      REINSTATE,
      3,
      this.keys.request(id),
      this.keys.channelRequests(record.channel),
      this.keys.openRequests(),
      id,
      String(this.ttlSeconds),
      String(record.requestedAt),
      ...Object.entries(fields).flat(),
    );
    if (written !== 1) return false;
    await this.redis.set(this.keys.runAlive(id), String(fence), 'PX', held.aliveMs);
    return true;
  }

  /**
   * Saves a run's checkpoint as the data of its BullMQ job (`jobId` in `queue`), only while the run with `fence` is the
   * request's newest: a run taken over (stalled, or its job handed back to this worker) cannot overwrite its
   * successor's checkpoint with an older one. Refused: SupersededError; the job gone: an Error.
   */
  async saveJobData(
    id: string,
    fence: number,
    job: { queue: string; id: string },
    data: unknown,
  ): Promise<void> {
    const jobKey = this.keys.job(job.queue, job.id);
    const reply = Number(
      await this.redis.eval(
        SAVE_JOB_DATA,
        2,
        this.keys.request(id),
        jobKey,
        String(fence),
        JSON.stringify(data),
      ),
    );
    if (reply === -1) throw new SupersededError(id, fence);
    if (reply === -2) throw new Error(`the job of ${id} is gone; its checkpoint was not saved`);
  }

  /** True while a run still works on the request (its mark lives), whether or not BullMQ still has its job. */
  async runAlive(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.runAlive(id))) === 1;
  }

  /**
   * Runs a fenced script; a record gone (-2) is written back from the run's held copy and the script run once
   * more. Still gone (nothing held): the run has no request to write to, and stops as a superseded one does.
   */
  private async fenced(id: string, fence: number | undefined, run: () => Promise<unknown>): Promise<number> {
    let reply = Number(await run());
    if (reply === -2 && (await this.reinstate(id))) reply = Number(await run());
    if (reply === -2 || reply === -1) throw new SupersededError(id, fence ?? 0);
    const held = this.held.get(id);
    if (held && !held.record.parentTs) held.record.parentTs = await this.parentTs(id);
    return reply;
  }

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

  /**
   * A run of the request (a job's attempt) takes it over: every write it makes from now on carries the fence
   * returned, and is refused once a later run took it over (SupersededError). 0 when the request ended or its
   * record is gone.
   */
  async takeOver(id: string): Promise<number> {
    return Number(await this.redis.eval(TAKE_OVER, 1, this.keys.request(id)));
  }

  /**
   * Moves to `state`; false when the request had already ended (or does not exist). With a run's `fence`,
   * throws SupersededError when a later run holds the request.
   */
  async transition(id: string, state: RequestState, summary = '', fence?: number): Promise<boolean> {
    const changed = await this.fenced(id, fence, () =>
      this.redis.eval(
        TRANSITION,
        2,
        this.keys.request(id),
        this.keys.openRequests(),
        fenceArg(fence),
        state,
        String(Date.now()),
        summary,
        id,
      ),
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

  /** Stores the card's new state; returns its version. With a run's `fence`, refused as in `transition`. */
  async saveCard(id: string, card: SlackMessage, fence?: number): Promise<number> {
    return await this.fenced(id, fence, () =>
      this.redis.eval(SAVE_CARD, 1, this.keys.request(id), fenceArg(fence), JSON.stringify(card)),
    );
  }

  async cardState(id: string): Promise<{
    card: SlackMessage | undefined;
    version: number;
    sent: number;
    parentTs?: string;
    withdrawn: boolean;
  }> {
    const [card, version, sent, parentTs, withdrawn] = await this.redis.hmget(
      this.keys.request(id),
      'card',
      'cardVersion',
      'cardSent',
      'parentTs',
      'withdrawn',
    );
    return {
      card: card ? (JSON.parse(card) as SlackMessage) : undefined,
      version: Number(version ?? 0),
      sent: Number(sent ?? 0),
      parentTs: parentTs ?? undefined,
      withdrawn: withdrawn === '1',
    };
  }

  /**
   * The request was its author's mistake (a node that does not exist): its card comes down, or is never posted,
   * and its thread gets nothing more; the author alone is told.
   */
  async withdraw(id: string): Promise<void> {
    await this.redis.hset(this.keys.request(id), 'withdrawn', '1');
  }

  async withdrawn(id: string): Promise<boolean> {
    return (await this.redis.hget(this.keys.request(id), 'withdrawn')) === '1';
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

  /** How many replies the request's thread has been given (0: it has no thread). */
  async threadLength(id: string): Promise<number> {
    return Number((await this.redis.hget(this.keys.request(id), 'seq')) ?? 0);
  }

  /** The next thread reply's sequence number (1, 2, …). */
  async nextSeq(id: string, fence?: number): Promise<number> {
    return await this.fenced(id, fence, () =>
      this.redis.eval(NEXT_SEQ, 1, this.keys.request(id), fenceArg(fence)),
    );
  }

  /** The key and value a write conditional on the run's fence checks (the audit of a run, src/audit). */
  fenceOf(id: string, fence: number): { key: string; field: string; value: string } {
    return { key: this.keys.request(id), field: 'fence', value: String(fence) };
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

  /** Names the reply `seq` so that a later step can rewrite it (`replySeq`). */
  async nameReply(id: string, key: string, seq: number): Promise<void> {
    await this.redis.hset(this.keys.request(id), `replyKey:${key}`, String(seq));
  }

  async replySeq(id: string, key: string): Promise<number | undefined> {
    const seq = await this.redis.hget(this.keys.request(id), `replyKey:${key}`);
    return seq === null ? undefined : Number(seq);
  }

  /** Where a named reply landed in Slack, for rewriting it. */
  async setReplyTs(id: string, seq: number, ts: string): Promise<void> {
    await this.redis.hset(this.keys.request(id), `replyTs:${seq}`, ts);
  }

  async replyTs(id: string, seq: number): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.request(id), `replyTs:${seq}`)) ?? undefined;
  }

  async markReplyDone(id: string, seq: number): Promise<void> {
    await this.redis.eval(RAISE, 1, this.keys.request(id), 'threadDone', String(seq));
  }
}
