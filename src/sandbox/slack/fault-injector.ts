import type { Clock } from '../../shared/clock.js';

export interface InjectedFault {
  /** Which Web API method(s) to fail; all of them when left out. */
  method?: string | RegExp;
  /** `refused`: HTTP 200 with `ok: false` and `error`, the way Slack turns a call down for good. */
  kind: 'ratelimited' | 'server_error' | 'refused';
  /** How many matching calls to fail before answering normally again. */
  times: number;
  /** Sent as `Retry-After` on a 429 (default 1). */
  retryAfterSeconds?: number;
  /** HTTP status for `server_error` (default 500). */
  status?: 500 | 502 | 503 | 504;
  /** Slack's error code for `refused` (default `missing_scope`). */
  error?: string;
}

/** Slack's posting limit on one channel: short bursts, then about `perSecond` messages a second. */
export interface PostingLimit {
  burst: number;
  perSecond: number;
}

export interface FaultAnswer {
  status: number;
  error: string;
  retryAfterSeconds?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Failures the stand-in plays on purpose, so tests can see a client retry and back off. */
export class FaultInjector {
  #pending: Array<InjectedFault & { remaining: number }> = [];
  #postingLimit: PostingLimit | undefined;
  #buckets = new Map<string, Bucket>();
  #limited = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** Answers the next `times` matching calls with HTTP 429 + Retry-After, HTTP 5xx, or a Slack error. */
  inject(fault: InjectedFault): void {
    if (!Number.isInteger(fault.times) || fault.times < 1)
      throw new Error('fault.times must be a positive integer');
    this.#pending.push({ ...fault, remaining: fault.times });
  }

  /** Rate-limits `chat.postMessage` per channel like Slack does; `false` turns it off. */
  enforcePostingLimit(limit: Partial<PostingLimit> | false = {}): void {
    this.#postingLimit =
      limit === false ? undefined : { burst: limit.burst ?? 3, perSecond: limit.perSecond ?? 1 };
    this.#buckets.clear();
  }

  /** Drops pending faults and the posting limit. */
  clear(): void {
    this.#pending = [];
    this.#postingLimit = undefined;
    this.#buckets.clear();
  }

  /** How many calls were answered 429 (injected or by the posting limit), for one method or all. */
  limitedCount(method?: string): number {
    if (method !== undefined) return this.#limited.get(method) ?? 0;
    let total = 0;
    for (const count of this.#limited.values()) total += count;
    return total;
  }

  /** The injected failure for this call, if one is pending; consumes it. */
  takeInjected(method: string): FaultAnswer | undefined {
    const fault = this.#pending.find((candidate) => matches(candidate.method, method));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#pending = this.#pending.filter((candidate) => candidate !== fault);
    if (fault.kind === 'server_error') return { status: fault.status ?? 500, error: 'internal_error' };
    if (fault.kind === 'refused') return { status: 200, error: fault.error ?? 'missing_scope' };
    this.#countLimited(method);
    return { status: 429, error: 'ratelimited', retryAfterSeconds: fault.retryAfterSeconds ?? 1 };
  }

  /** Spends one message of the channel's allowance; when there is none left, the 429 to answer. */
  takePostingAllowance(method: string, channel: string): FaultAnswer | undefined {
    const limit = this.#postingLimit;
    if (!limit) return undefined;
    const now = this.clock.now();
    const bucket = this.#buckets.get(channel) ?? { tokens: limit.burst, updatedAt: now };
    bucket.tokens = Math.min(
      limit.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.perSecond,
    );
    bucket.updatedAt = now;
    this.#buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    this.#countLimited(method);
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    return { status: 429, error: 'ratelimited', retryAfterSeconds };
  }

  #countLimited(method: string): void {
    this.#limited.set(method, (this.#limited.get(method) ?? 0) + 1);
  }
}

function matches(pattern: string | RegExp | undefined, method: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'string') return pattern === method;
  pattern.lastIndex = 0; // a /g pattern would otherwise match every other call
  return pattern.test(method);
}
