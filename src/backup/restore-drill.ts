import type { Readable } from 'node:stream';
import type { BackupManifest } from '../ports/backup-manifest.js';
import type { BackupStore } from '../ports/backup-store.js';
import type { ClusterResources, ServedResource } from '../ports/cluster-resources.js';
import type { DrillResult, RestoreDrill } from '../ports/restore-drill.js';
import type { Clock } from '../shared/clock.js';
import { listAll } from './list-all.js';
import { restoreBackup } from './restore-backup.js';
import { RESTORE_LABEL, type RestoreItem } from './restore-plan.js';

/** A cluster made for one drill and thrown away after it. */
export interface ScratchCluster {
  resources: ClusterResources;
  stop(): Promise<void>;
}

/** Starts an empty cluster at the backup's Kubernetes version (the worker's: bosun's own simulator). */
export type StartScratchCluster = (manifest: BackupManifest) => Promise<ScratchCluster>;

/** Failed objects named one by one; past this, counted. */
const FAILURES_SHOWN = 10;

/** The one backup a drill reads, as a store: its manifest and its files, nothing written. */
function readOnlyStore(manifest: BackupManifest, read: (path: string) => Readable): BackupStore {
  const refuse = () => Promise.reject(new Error('a restore drill writes nothing to the backup store'));
  return {
    description: 'the backup under drill, read-only',
    allowsUnencryptedSecrets: false,
    stage: refuse,
    list: async () => [manifest],
    manifest: async (cluster, id) =>
      cluster === manifest.cluster && id === manifest.id ? manifest : undefined,
    updateManifest: refuse,
    read: (_cluster, _id, path) => read(path),
    delete: refuse,
  };
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The restore drill of `backup verify`: the backup restored into a scratch cluster with the very planner and
 * writer a real restore uses (same order, same skips), then compared with the manifest kind by kind: every
 * object the manifest counts was either written and is there, or skipped for a reason a restore gives
 * (owned by a controller, made by the cluster itself). Objects the scratch cluster refused are named with
 * the API server's message. The scratch cluster is stopped whatever happens.
 */
export function restoreDrill(startScratch: StartScratchCluster, clock: Clock): RestoreDrill {
  return async ({ manifest, read, signal }): Promise<DrillResult> => {
    const scratch = await startScratch(manifest);
    try {
      const restoreId = `drill-${manifest.id}`;
      const result = await restoreBackup(
        { resources: scratch.resources, store: readOnlyStore(manifest, read), clock },
        { cluster: manifest.cluster, id: manifest.id },
        { dryRun: false, restoreId, namespaces: [], kinds: [], overwrite: false },
        undefined,
        signal,
      );
      const problems: string[] = [];
      const byKind = new Map<string, { resource: ServedResource; items: RestoreItem[]; written: number }>();
      const failed: string[] = [];
      result.plan.items.forEach((item, index) => {
        if (item.path === '') return; // a namespace the restore made itself
        const entry = byKind.get(item.key) ?? { resource: item.resource, items: [], written: 0 };
        entry.items.push(item);
        byKind.set(item.key, entry);
        const outcome = result.results[index];
        if (outcome?.outcome === 'created' || outcome?.outcome === 'replaced') entry.written++;
        if (outcome?.outcome === 'failed') {
          const where = item.namespace ? `${item.namespace}/${item.name}` : item.name;
          failed.push(
            `restore drill: ${item.key} ${where} was refused: ${outcome.reason ?? 'no reason given'}`,
          );
        }
      });
      problems.push(...failed.slice(0, FAILURES_SHOWN));
      if (failed.length > FAILURES_SHOWN)
        problems.push(`restore drill: … and ${failed.length - FAILURES_SHOWN} more objects refused`);

      let written = 0;
      let skipped = 0;
      for (const kind of manifest.kinds) {
        const entry = byKind.get(kind.resource);
        const planned = entry?.items.length ?? 0;
        if (planned !== kind.count) {
          problems.push(
            `restore drill: ${kind.resource}: the manifest counts ${plural(kind.count, 'object')}, the restore found ${planned} in the backup's files`,
          );
        }
        if (!entry) continue;
        written += entry.written;
        // A kind not served is no skip a restore makes: it is a problem, below.
        skipped += entry.items.filter(
          (item) => item.action === 'skip' && item.skip?.code !== 'unserved',
        ).length;
        if (entry.written === 0) continue;
        let present = 0;
        const labelSelector = `${RESTORE_LABEL}=${restoreId}`;
        for await (const _ of listAll(scratch.resources, entry.resource, { labelSelector }, signal))
          present++;
        if (present < entry.written) {
          problems.push(
            `restore drill: ${kind.resource}: ${entry.written} written, but the scratch cluster holds ${present} of them`,
          );
        }
      }
      // A kind nobody serves after the backup's own definitions were restored is lost on a fresh cluster.
      const unserved = new Map<string, number>();
      for (const item of result.plan.items) {
        if (item.skip?.code !== 'unserved') continue;
        unserved.set(item.key, (unserved.get(item.key) ?? 0) + 1);
      }
      for (const [key, count] of unserved) {
        problems.push(
          `restore drill: ${plural(count, 'object')} of ${key} could not be restored: the scratch cluster does not serve the kind (is its CustomResourceDefinition in the backup?)`,
        );
      }
      const note =
        `restore drill: ${plural(written, 'object')} restored into a scratch cluster at ${manifest.kubernetesVersion}` +
        ` and found there, ${skipped.toLocaleString('en-US')} skipped as a restore skips them`;
      return { problems, note };
    } finally {
      await scratch.stop();
    }
  };
}
