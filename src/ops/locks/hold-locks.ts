import type { Lock, LockHolder, LockLease, LockScope } from '../../ports/lock.js';
import type { Clock } from '../../shared/clock.js';
import { LockLost } from '../drain/drain-stop.js';
import { CancelledError, ParkedError } from '../errors.js';
import { acquireAll, LeaseKeeper } from './lock-leases.js';

/** What an operation locks: nothing, some nodes of its cluster, or the whole cluster. */
export type LockNeed =
  | { scope: 'none' }
  | { scope: 'nodes'; cluster: string; nodes: readonly string[] }
  | { scope: 'cluster'; cluster: string };

/** Another request holds what this one needs; `scope` says which lock stands in the way. */
export class LockBusyError extends Error {
  constructor(
    readonly heldBy: LockHolder,
    readonly scope: LockScope,
  ) {
    super(
      `${scope.kind === 'node' ? `node ${scope.node}` : `cluster ${scope.cluster}`} is locked by ${heldBy.requestId}`,
    );
    this.name = 'LockBusyError';
  }
}

/** The locks expired while this worker could not renew them (and someone else may hold them now). */
export class LockLostError extends Error {
  constructor(readonly what: string) {
    super(`lost the lock on ${what}`);
    this.name = 'LockLostError';
  }
}

/**
 * How long a holder rides out a Redis it cannot reach before it counts its locks as lost: a failover or a
 * restart takes seconds to a minute. Its locks are taken back with their own tokens when Redis returns.
 */
export const LOCK_GRACE_MS = 120_000;

export interface HoldLocks {
  lock: Lock;
  clock: Clock;
  holder: LockHolder;
  ttlMs: number;
  /**
   * The job's own lock duration, when shorter than `ttlMs`: the locks count as safe to act under for two thirds
   * of the shorter of the two after a renewal, so a worker whose job may have been taken over does not act on
   * the strength of a node lock alone.
   */
  jobLockMs?: number;
  /** The request's own signal: cancel or shutdown. */
  signal: AbortSignal;
}

function scopesOf(need: LockNeed): LockScope[] {
  if (need.scope === 'nodes') {
    return [...new Set(need.nodes)].sort().map((node) => ({ kind: 'node', cluster: need.cluster, node }));
  }
  if (need.scope === 'cluster') return [{ kind: 'cluster', cluster: need.cluster }];
  return [];
}

/**
 * Before each change to the cluster: resolves when the locks are known to be held (at once, unless their
 * renewal is late); rejects with the work's signal reason when they are lost.
 */
export type LocksFresh = () => Promise<void>;

/**
 * Runs `work` holding the locks `need` names, renewed every third of their TTL. `work` gets a signal that aborts
 * on the request's cancel or shutdown and when a lock is lost; a lost lock then fails as LockLostError. It gets
 * `fresh` too, to wait on before every change it makes, so a worker that stalled acts again only once it has
 * renewed its locks (and stops if it cannot). The
 * locks are released at the end, except when the request will continue elsewhere: parked (waiting for a
 * person; they are extended until it wakes) or paused by a shutdown (the worker that resumes it takes them
 * over). Throws LockBusyError, having touched nothing, when another request holds one of them.
 */
export async function holdLocks<T>(
  need: LockNeed,
  options: HoldLocks,
  work: (signal: AbortSignal, fresh: LocksFresh) => Promise<T>,
): Promise<T> {
  const scopes = scopesOf(need);
  if (scopes.length === 0) return await work(options.signal, async () => undefined);
  const { clock, ttlMs, signal } = options;
  const locked = await acquireAll(options.lock, scopes, options.holder, ttlMs);
  if (!locked.acquired) throw new LockBusyError(locked.heldBy, locked.scope);
  const leases: LockLease[] = locked.leases;
  const what = scopes.map((s) => (s.kind === 'node' ? s.node : `cluster ${s.cluster}`)).join(', ');
  let keep = false;
  const stop = new AbortController();
  const forward = () => stop.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  const renewing = new AbortController();
  const freshMs = Math.floor((Math.min(options.jobLockMs ?? ttlMs, ttlMs) * 2) / 3);
  const keeper = new LeaseKeeper(
    leases,
    clock,
    {
      everyMs: Math.max(250, Math.floor(freshMs / 2)),
      freshMs,
      graceMs: Math.max(LOCK_GRACE_MS, 10 * ttlMs),
    },
    () => stop.abort(new LockLost(what)),
  );
  const renewals = keeper.run(renewing.signal);
  try {
    return await work(stop.signal, () => keeper.fresh(stop.signal));
  } catch (error) {
    if (error instanceof LockLost) throw new LockLostError(error.what);
    if (error instanceof ParkedError) {
      // Nobody renews the locks while the job waits: make them last until it runs again (plus one TTL).
      const forMs = Math.max(ttlMs, error.until - clock.now() + ttlMs);
      await Promise.all(leases.map((lease) => lease.renew(forMs)));
      keep = true;
      throw error;
    }
    keep = signal.aborted && signal.reason === error && !(error instanceof CancelledError);
    throw error;
  } finally {
    renewing.abort();
    await renewals;
    signal.removeEventListener('abort', forward);
    if (!keep) await Promise.allSettled(leases.map((lease) => lease.release()));
  }
}
