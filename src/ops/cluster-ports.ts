import type { BackupSchedules } from '../ports/backup-schedules.js';
import type { BackupStore } from '../ports/backup-store.js';
import type { ClusterResources } from '../ports/cluster-resources.js';
import type { NodeCapacities } from '../ports/node-capacity.js';
import type { RestoreDrill } from '../ports/restore-drill.js';
import type { ServerVersion } from '../ports/server-version.js';
import type { DrainPorts } from './drain/drain-ports.js';

/** Every port an operation may use on its cluster; the worker builds them for each request (WorkerDeps.ports). */
export type ClusterPorts = DrainPorts & {
  capacity: NodeCapacities;
  version: ServerVersion;
  /** Every resource by discovery, raw (backups and restores). */
  resources: ClusterResources;
  /** Where this installation keeps backups (config `backups.store`). */
  backups: BackupStore;
  /** A restore drill into a scratch cluster, run by `backup verify` when present. */
  drill?: RestoreDrill;
  /** This cluster's backup schedules (Redis and BullMQ job schedulers). */
  schedules: BackupSchedules;
};
