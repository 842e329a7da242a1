import type { BackupManifest } from '../ports/backup-manifest.js';

export interface RetentionPolicy {
  /** Keep at most this many of the schedule's backups (the newest). */
  keep?: number;
  /** Delete the schedule's backups older than this. */
  maxAgeMs?: number;
}

export interface RetentionVerdict {
  /** Oldest first, as the store lists them. */
  remove: BackupManifest[];
  /** Kept only because it is the newest verified backup, which retention never deletes. */
  protected?: BackupManifest;
}

const startOf = (m: BackupManifest) => Date.parse(m.startedAt);

/**
 * Which of a schedule's backups retention deletes: beyond the newest `keep`, or older than `maxAgeMs`. The newest
 * backup that passed its last check is never deleted, whatever the policy says, so a run of failed
 * verifications cannot leave the cluster without a good backup.
 */
export function chooseExpired(
  backups: readonly BackupManifest[],
  policy: RetentionPolicy,
  now: number,
): RetentionVerdict {
  const newestFirst = [...backups].sort((a, b) => startOf(b) - startOf(a) || b.id.localeCompare(a.id));
  const newestVerified = newestFirst.find((m) => m.verification.state === 'passed');
  const expired = newestFirst.filter(
    (m, index) =>
      (policy.keep !== undefined && index >= policy.keep) ||
      (policy.maxAgeMs !== undefined && now - startOf(m) > policy.maxAgeMs),
  );
  const kept = expired.find((m) => m === newestVerified);
  return {
    remove: expired.filter((m) => m !== newestVerified).reverse(),
    ...(kept ? { protected: kept } : {}),
  };
}
