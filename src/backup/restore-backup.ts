import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parse } from 'yaml';
import { BosunError } from '../ops/errors.js';
import type { BackupManifest } from '../ports/backup-manifest.js';
import type { BackupStore } from '../ports/backup-store.js';
import type { ClusterResources, KubeObject, ServedResource } from '../ports/cluster-resources.js';
import type { Clock } from '../shared/clock.js';
import { CHECKSUMS_FILE, resourceKey } from './artifact-path.js';
import { listAll } from './list-all.js';
import {
  executeRestore,
  type ItemResult,
  type RestoreProgress,
  type SavedResults,
} from './restore-execute.js';
import {
  type BackupFile,
  mayConcern,
  objectKey,
  planRestore,
  RESTORE_ACTION_ANNOTATION,
  RESTORE_LABEL,
  type RestoreFilters,
  type RestorePlan,
  restoreScopes,
  type TargetState,
} from './restore-plan.js';
import { parseChecksums } from './verify-artifacts.js';

export interface RestoreDeps {
  /** The cluster restored into: any cluster, a scratch simulator's for a drill. */
  resources: ClusterResources;
  store: BackupStore;
  clock: Clock;
  /** Objects of one rank written at once (default 8). */
  concurrency?: number;
  /** Objects per list page when reading the target cluster (default 500). */
  pageSize?: number;
}

/** Which backup: a cluster's, by id (`latest` is resolved first, with `findBackup`). */
export interface BackupRef {
  cluster: string;
  id: string;
}

export interface RestoreOptions extends RestoreFilters {
  dryRun: boolean;
  /** Names this restore on what it writes (the label RESTORE_LABEL); a resumed restore passes the same. */
  restoreId: string;
  /** Results an earlier run of this restore recorded (its checkpoint). */
  saved?: SavedResults;
  onCheckpoint?(results: SavedResults): Promise<void>;
  /** Told the plan before anything is written (a resumed restore says what was written before). */
  onPlan?(plan: RestorePlan): void | Promise<void>;
}

export interface RestoreResult {
  backup: BackupManifest;
  dryRun: boolean;
  plan: RestorePlan;
  /** One per plan item, in the plan's order. */
  results: ItemResult[];
}

/**
 * A backup by id, or `latest`: the cluster's newest backup whose last verification passed, of those finished by
 * `asOf` (when the restore was asked for: what its approvers were shown stays what it restores, though a
 * scheduled backup lands meanwhile). Undefined when there is none.
 */
export async function findBackup(
  store: BackupStore,
  cluster: string,
  ref: string,
  asOf = Number.POSITIVE_INFINITY,
): Promise<BackupManifest | undefined> {
  if (ref !== 'latest') return await store.manifest(cluster, ref);
  const all = await store.list(cluster);
  return all
    .filter((m) => m.verification.state === 'passed' && Date.parse(m.finishedAt) <= asOf)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id))
    .at(-1);
}

async function text(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function corrupt(path: string, what: string): BosunError {
  return new BosunError(
    'BACKUP_CORRUPT',
    `The backup's file \`${path}\` ${what}; nothing was restored.`,
    'Run `backup verify` on it, or restore another backup.',
  );
}

/**
 * The backup's object files that can matter to a restore of `namespaces`, each checked against SHA256SUMS
 * (itself checked against the manifest) and parsed. A file that does not match is a corrupt backup: nothing is
 * restored from it.
 */
export async function readBackupFiles(
  store: BackupStore,
  manifest: BackupManifest,
  namespaces: readonly string[],
  signal?: AbortSignal,
): Promise<BackupFile[]> {
  const sumsBytes = await text(store.read(manifest.cluster, manifest.id, CHECKSUMS_FILE));
  const listed = manifest.artifacts.find((a) => a.path === CHECKSUMS_FILE);
  if (listed && sha256(sumsBytes) !== listed.sha256)
    throw corrupt(CHECKSUMS_FILE, 'does not match its checksum');
  const sums = parseChecksums(sumsBytes.toString('utf8'));
  if (typeof sums === 'string') throw corrupt(CHECKSUMS_FILE, `is damaged (${sums})`);
  const paths = [...sums.keys()].filter((p) => mayConcern(p, namespaces));
  const files: BackupFile[] = new Array(paths.length);
  let next = 0;
  const lane = async () => {
    while (next < paths.length) {
      signal?.throwIfAborted();
      const index = next++;
      const path = paths[index] as string;
      const bytes = await text(store.read(manifest.cluster, manifest.id, path));
      if (sha256(bytes) !== sums.get(path)) throw corrupt(path, 'does not match its checksum in SHA256SUMS');
      let object: unknown;
      try {
        object = parse(bytes.toString('utf8'));
      } catch (error) {
        throw corrupt(path, `is not YAML (${error instanceof Error ? error.message : String(error)})`);
      }
      if (typeof object !== 'object' || object === null) throw corrupt(path, 'holds no object');
      files[index] = { path, object: object as KubeObject };
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, paths.length) }, lane));
  return files;
}

/**
 * One list per kind and namespace, or one across all namespaces for a kind the restore writes into more than a
 * few of them (a whole-cluster restore lists each kind once).
 */
function listsFor(
  scopes: readonly { resource: ServedResource; namespace?: string }[],
): { resource: ServedResource; namespace?: string }[] {
  const byKind = new Map<string, { resource: ServedResource; namespace?: string }[]>();
  for (const scope of scopes) {
    const key = resourceKey(scope.resource);
    byKind.set(key, [...(byKind.get(key) ?? []), scope]);
  }
  return [...byKind.values()].flatMap((list) =>
    list.length > 3 && list[0] ? [{ resource: list[0].resource }] : list,
  );
}

/** What the target cluster holds of the kinds and namespaces the restore writes: one paged list each. */
export async function readTargetState(
  resources: ClusterResources,
  files: readonly BackupFile[],
  filters: RestoreFilters,
  pageSize = 500,
  signal?: AbortSignal,
): Promise<TargetState> {
  const discovery = await resources.discover(signal);
  const served = new Map<string, ServedResource>();
  for (const r of discovery.resources) if (!r.resource.includes('/')) served.set(resourceKey(r), r);
  const existing = new Map<string, { restoredBy?: string; restoredAs?: string }>();
  for (const scope of listsFor(restoreScopes(files, filters))) {
    const resource = served.get(resourceKey(scope.resource));
    if (!resource) continue;
    for await (const item of listAll(
      resources,
      resource,
      { namespace: scope.namespace, limit: pageSize },
      signal,
    )) {
      const metadata = item.metadata ?? {};
      const labels = (metadata.labels ?? {}) as Record<string, string>;
      const annotations = (metadata.annotations ?? {}) as Record<string, string>;
      existing.set(
        objectKey(
          resourceKey(resource),
          resource.namespaced ? metadata.namespace : undefined,
          metadata.name ?? '',
        ),
        { restoredBy: labels[RESTORE_LABEL], restoredAs: annotations[RESTORE_ACTION_ANNOTATION] },
      );
    }
  }
  return { served: [...served.values()], existing };
}

/**
 * Restores a backup into the cluster `deps.resources` reaches, with no Slack and no queue: reads and checks the
 * backup's files, reads what the cluster holds, plans (src/backup/restore-plan.ts) and writes the plan in order
 * (src/backup/restore-execute.ts). A dry run plans and asks the API server's dry run, changing nothing. Used by
 * `/bosun restore` and by the restore drill of `backup verify`.
 */
export async function restoreBackup(
  deps: RestoreDeps,
  backupRef: BackupRef,
  options: RestoreOptions,
  onProgress?: (progress: RestoreProgress) => void | Promise<void>,
  signal?: AbortSignal,
): Promise<RestoreResult> {
  const backup = await deps.store.manifest(backupRef.cluster, backupRef.id);
  if (!backup) {
    throw new BosunError(
      'BACKUP_NOT_FOUND',
      `\`${backupRef.cluster}\` has no backup \`${backupRef.id}\`.`,
      '`backup list` shows its backups.',
    );
  }
  const files = await readBackupFiles(deps.store, backup, options.namespaces, signal);
  const target = await readTargetState(deps.resources, files, options, deps.pageSize, signal);
  const plan = planRestore(files, options, target, options.restoreId);
  await options.onPlan?.(plan);
  const results = await executeRestore(deps.resources, plan, {
    dryRun: options.dryRun,
    overwrite: options.overwrite,
    clock: deps.clock,
    concurrency: deps.concurrency,
    saved: options.saved,
    onProgress,
    onCheckpoint: options.onCheckpoint,
    signal,
  });
  return { backup, dryRun: options.dryRun, plan, results };
}
