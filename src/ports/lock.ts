/** What a lock covers: one node, or the whole cluster (upgrades, etcd restores) which node operations respect. */
export type LockScope =
  | { kind: 'node'; cluster: string; node: string }
  | { kind: 'cluster'; cluster: string };

export interface LockHolder {
  requestId: string;
  /** The command holding it (`drain`, `maintain`, `upgrade`), for the refusal. */
  operation: string;
  /**
   * The holder's claim to act (a run's fence on its request): the lease is renewed, or taken back after it
   * expired, only while `field` of the hash at `key` is `value` or unset. A run that was taken over loses it.
   */
  guard?: LockGuard;
  /**
   * Set when the holder is not a request of this installation: the cluster's Lease for the lock (namespace/name)
   * names another holder (another bosun installation, or a tool that honours the Lease), which counts until
   * `until` (ms) unless renewed.
   */
  elsewhere?: { lease: string; holder: string; until: number };
}

/** A field of a hash in the same store as the locks (a key of the same installation). */
export interface LockGuard {
  key: string;
  field: string;
  value: string;
}

/** A held lock. The fencing token grows with every grant, so a stale holder can be told apart. */
export interface LockLease {
  readonly token: number;
  /**
   * Extends the lease (by its TTL, or `ttlMs`); false when it was lost (taken by someone else). A lease that
   * expired with nobody else taking what it covers is taken back with the same token.
   */
  renew(ttlMs?: number): Promise<boolean>;
  release(): Promise<void>;
}

export type LockAttempt =
  | { acquired: true; lease: LockLease }
  | { acquired: false; heldBy: LockHolder; scope: LockScope };

/**
 * Mutual exclusion for mutations: one per node, and none on a node while its cluster is locked. The same
 * request may take its own lock again (a resumed job continues where the last worker left off).
 */
export interface Lock {
  acquire(scope: LockScope, holder: LockHolder, ttlMs: number): Promise<LockAttempt>;
}
