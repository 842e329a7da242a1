import type { Lock, LockHolder, LockLease, LockScope } from '../../ports/lock.js';
import type { Clock } from '../../shared/clock.js';

export type HeldLocks =
  | { acquired: true; leases: LockLease[] }
  | { acquired: false; heldBy: LockHolder; scope: LockScope };

/** Takes every lock of `scopes` in order, or none: on a refusal the locks already taken are given back. */
export async function acquireAll(
  lock: Lock,
  scopes: readonly LockScope[],
  holder: LockHolder,
  ttlMs: number,
): Promise<HeldLocks> {
  const leases: LockLease[] = [];
  for (const scope of scopes) {
    const attempt = await lock.acquire(scope, holder, ttlMs);
    if (!attempt.acquired) {
      await Promise.all(leases.map((lease) => lease.release()));
      return attempt;
    }
    leases.push(attempt.lease);
  }
  return { acquired: true, leases };
}

export interface LeaseTiming {
  /** How often the leases are renewed. */
  everyMs: number;
  /**
   * How long after a renewal began the leases count as safe to act under. Past it (the worker stalled, Redis is
   * slow) `fresh` holds every mutation until a renewal succeeds: bosun stops acting before a lease can expire,
   * not after.
   */
  freshMs: number;
  /** Past this long without one renewal (Redis unreachable) the leases count as lost. */
  graceMs: number;
}

/**
 * Keeps leases renewed until stopped. A lease that cannot be renewed was lost (someone else holds it now):
 * `onLost` stops the operation before it touches anything else. While Redis cannot be reached the rounds go on;
 * a lease that expired meanwhile is taken back with its own token once Redis answers and nobody else took it
 * (src/adapters/redis/redis-locks.ts). Past `graceMs` without one renewal the leases count as lost all the same.
 */
export class LeaseKeeper {
  private renewedAt: number;
  private waiting: Array<() => void> = [];
  private kick: (() => void) | undefined;

  constructor(
    private readonly leases: readonly LockLease[],
    private readonly clock: Clock,
    private readonly timing: LeaseTiming,
    private readonly onLost: () => void,
  ) {
    this.renewedAt = clock.now();
  }

  /**
   * Resolves at once while the leases were renewed recently enough; otherwise asks for a renewal now and
   * resolves when one succeeds. Rejects with `signal`'s reason when it aborts first (as `onLost` makes it).
   */
  async fresh(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw signal.reason;
    if (this.clock.now() - this.renewedAt <= this.timing.freshMs) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      this.kick?.();
    });
  }

  /** Renews every `everyMs` (sooner when a mutation waits on `fresh`) until `stop` aborts. */
  async run(stop: AbortSignal): Promise<void> {
    let failed = false;
    for (;;) {
      const nap = new AbortController();
      const wake = () => nap.abort();
      // A mutation waiting on `fresh` cuts the pause short, unless the last round failed (Redis is away).
      this.kick = failed ? undefined : wake;
      stop.addEventListener('abort', wake, { once: true });
      if (failed || this.waiting.length === 0) {
        await this.clock.sleep(this.timing.everyMs, nap.signal).catch(() => undefined);
      }
      stop.removeEventListener('abort', wake);
      this.kick = undefined;
      if (stop.aborted) return;
      const startedAt = this.clock.now();
      try {
        const renewed = await Promise.all(this.leases.map((lease) => lease.renew()));
        if (renewed.includes(false)) {
          this.onLost();
          return;
        }
        this.renewedAt = startedAt;
        failed = false;
        for (const resolve of this.waiting.splice(0)) resolve();
      } catch {
        if (this.clock.now() - this.renewedAt > this.timing.graceMs) {
          this.onLost();
          return;
        }
        failed = true;
      }
    }
  }
}
