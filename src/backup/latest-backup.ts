import type { BackupManifest } from '../ports/backup-manifest.js';

/**
 * `latest`: the newest backup whose last check passed. A backup that failed verification (when taken or by a
 * later `backup verify`) is skipped, however new. Manifests come oldest first, as the store lists them.
 */
export function latestGoodBackup(manifests: readonly BackupManifest[]): BackupManifest | undefined {
  return manifests.findLast((m) => m.verification.state === 'passed');
}
