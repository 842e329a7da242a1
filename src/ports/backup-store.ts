import type { Readable } from 'node:stream';
import type { BackupEncryption, BackupManifest } from './backup-manifest.js';

/**
 * A backup being written: the runner writes its files under `dir` (a local folder), the store takes them in
 * with `upload`, they are read back from the store with `read` and checked, and only `commit` (the manifest,
 * written last) makes the backup exist. Anything that stops before `commit` leaves nothing listed.
 */
export interface StagedBackup {
  readonly dir: string;
  upload(paths: readonly string[]): Promise<void>;
  read(path: string): Readable;
  commit(manifest: BackupManifest): Promise<void>;
  discard(): Promise<void>;
}

/** Where backups live: a local folder, a Git repository or an S3 bucket. */
export interface BackupStore {
  /** For messages: `local folder`, `git main of origin`, `s3://bucket/prefix`. */
  readonly description: string;
  /** Secrets are written unencrypted only where the store allows it (the local folder does; Git and S3 by config). */
  readonly allowsUnencryptedSecrets: boolean;
  /** Set when the store encrypts what it keeps; the runner records it in the manifest. */
  readonly encryption?: BackupEncryption;
  stage(cluster: string, id: string): Promise<StagedBackup>;
  /** The cluster's backups that have a manifest, oldest first. */
  list(cluster: string): Promise<BackupManifest[]>;
  manifest(cluster: string, id: string): Promise<BackupManifest | undefined>;
  /** Rewrites a backup's manifest (a later verification's result). */
  updateManifest(manifest: BackupManifest): Promise<void>;
  read(cluster: string, id: string, path: string): Readable;
  delete(cluster: string, id: string): Promise<void>;
}
