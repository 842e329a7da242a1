import type { Readable } from 'node:stream';
import type { BackupManifest } from './backup-manifest.js';

/** What a restore drill found: one line per problem, naming the kind or file; empty when what came back matched. */
export interface DrillResult {
  problems: string[];
  /** One line for the verification's notes (`restored 1,204 objects into a scratch cluster`). */
  note?: string;
}

/**
 * A restore drill: the backup restored into a scratch cluster and what came back compared with the manifest.
 * `backup verify` runs it after its own checks when one is wired in (ClusterPorts.drill); the restore planner
 * provides it.
 */
export type RestoreDrill = (input: {
  manifest: BackupManifest;
  read(path: string): Readable;
  signal?: AbortSignal;
}) => Promise<DrillResult>;
