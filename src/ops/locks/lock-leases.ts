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

/**
 * Renews the leases every `everyMs` until `signal` aborts. A lease that cannot be renewed was lost (someone
 * else holds it now): `onLost` stops the operation before it touches anything else. While Redis cannot be
 * reached the rounds go on; a lease that expired meanwhile is taken back with its own token once Redis
 * answers and nobody else took it (src/adapters/redis/redis-locks.ts). Past `graceMs` without one renewal the
 * leases count as lost all the same.
 */
export async function keepLeases(
  leases: readonly LockLease[],
  clock: Clock,
  everyMs: number,
  signal: AbortSignal,
  onLost: () => void,
  graceMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  let renewedAt = clock.now();
  for (;;) {
    try {
      await clock.sleep(everyMs, signal);
    } catch {
      return;
    }
    try {
      const renewed = await Promise.all(leases.map((lease) => lease.renew()));
      if (renewed.includes(false)) {
        onLost();
        return;
      }
      renewedAt = clock.now();
    } catch {
      if (clock.now() - renewedAt > graceMs) {
        onLost();
        return;
      }
    }
  }
}
