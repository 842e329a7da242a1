import { type ClusterResources, type KubeObject, ResourceWriteError } from '../ports/cluster-resources.js';
import type { Clock } from '../shared/clock.js';
import { RESTORE_ACTION_ANNOTATION, type RestoreItem, type RestorePlan } from './restore-plan.js';

const CRDS = 'customresourcedefinitions.apiextensions.k8s.io';
const NAMESPACES = 'namespaces';

/** What became of one planned object (in a dry run: what would, as far as the API server's dry run tells). */
export interface ItemResult {
  outcome: 'created' | 'replaced' | 'skipped' | 'failed';
  /** Why it was skipped, or the API server's message when it failed. */
  reason?: string;
}

/** The results so far by plan index: what a checkpoint keeps (written and failed objects; skips are replanned). */
export type SavedResults = ReadonlyMap<number, ItemResult>;

export interface RestoreProgress {
  done: number;
  total: number;
  created: number;
  replaced: number;
  skipped: number;
  failed: number;
  /** The kind being restored, `deployments.apps`. */
  key: string;
}

export interface ExecuteOptions {
  dryRun: boolean;
  overwrite: boolean;
  clock: Clock;
  /** Objects of one rank written at once (default 8). */
  concurrency?: number;
  /** Results an earlier run recorded: not written again. */
  saved?: SavedResults;
  onProgress?(progress: RestoreProgress): void | Promise<void>;
  /** Called with every result so far, after each few objects and at the end of each kind's rank. */
  onCheckpoint?(results: SavedResults): Promise<void>;
  /** How long to wait for a definition to be Established or a namespace Active (default 60 s). */
  readyTimeoutMs?: number;
  signal?: AbortSignal;
}

const CHECKPOINT_EVERY = 25;

/**
 * Writes a plan in its order: the objects of one rank (one priority of the restore order) in parallel, the next
 * rank once they are all answered; after the definitions, waits for them to be Established, after the
 * namespaces for them to be Active. An object that exists by the time it is created counts as existing
 * (skipped, or replaced with `--overwrite`). A refused object is recorded with the API server's message and the
 * restore goes on. In a dry run every write is the server's dry run (`dryRun=All`) where the server can judge
 * it: not for objects in a namespace or of a kind the restore has yet to make, which are planned unchecked.
 */
export async function executeRestore(
  resources: ClusterResources,
  plan: RestorePlan,
  options: ExecuteOptions,
): Promise<ItemResult[]> {
  const results: (ItemResult | undefined)[] = plan.items.map((_, i) => options.saved?.get(i));
  const counts = { created: 0, replaced: 0, skipped: 0, failed: 0 };
  let done = 0;
  let sinceCheckpoint = 0;
  const settle = (index: number, result: ItemResult) => {
    results[index] = result;
    counts[result.outcome]++;
    done++;
    sinceCheckpoint++;
  };
  const saved = (): SavedResults => {
    const map = new Map<number, ItemResult>();
    results.forEach((r, i) => {
      if (r && r.outcome !== 'skipped') map.set(i, r);
    });
    return map;
  };
  const checkpoint = async (force: boolean) => {
    if (!options.onCheckpoint || options.dryRun || (!force && sinceCheckpoint < CHECKPOINT_EVERY)) return;
    sinceCheckpoint = 0;
    await options.onCheckpoint(saved());
  };
  // Kinds and namespaces the restore makes: a dry run cannot ask the server about what goes into them.
  const pendingKinds = new Set(
    plan.items.filter((i) => i.key === CRDS && i.action === 'create' && !i.done).map((i) => i.name),
  );
  const pendingNamespaces = new Set(
    plan.items.filter((i) => i.key === NAMESPACES && i.action === 'create' && !i.done).map((i) => i.name),
  );

  const writeOne = async (item: RestoreItem): Promise<ItemResult> => {
    if (item.action === 'skip') return { outcome: 'skipped', reason: item.skip?.reason };
    if (item.done) return { outcome: item.done };
    const object = item.object;
    if (!object) return { outcome: 'skipped', reason: 'nothing to write' };
    if (
      options.dryRun &&
      (pendingKinds.has(item.key) || (item.namespace && pendingNamespaces.has(item.namespace)))
    )
      return {
        outcome: item.action === 'create' ? 'created' : 'replaced',
        reason: 'not checked: it goes into what the restore makes first',
      };
    try {
      if (item.action === 'replace') return await replace(item, object);
      await resources.create(item.resource, object, { dryRun: options.dryRun }, options.signal);
      return { outcome: 'created' };
    } catch (error) {
      if (error instanceof ResourceWriteError && error.reason === 'AlreadyExists') {
        if (!options.overwrite)
          return { outcome: 'skipped', reason: 'exists already (--overwrite replaces it)' };
        try {
          return await replace(item, object);
        } catch (again) {
          return failed(again);
        }
      }
      return failed(error);
    }
  };
  const failed = (error: unknown): ItemResult => {
    if (error instanceof ResourceWriteError) return { outcome: 'failed', reason: error.message };
    // A cluster that stopped answering is not one object's fault: the job fails (and is retried) from here.
    throw error;
  };
  const replace = async (item: RestoreItem, object: KubeObject): Promise<ItemResult> => {
    const current = await resources.get(item.resource, item.namespace, item.name, options.signal);
    if (!current) {
      await resources.create(item.resource, object, { dryRun: options.dryRun }, options.signal);
      return { outcome: 'created' };
    }
    await resources.replace(
      item.resource,
      withServerFields(object, current),
      { dryRun: options.dryRun },
      options.signal,
    );
    return { outcome: 'replaced' };
  };

  const limit = Math.max(1, options.concurrency ?? 8);
  let start = 0;
  while (start < plan.items.length) {
    options.signal?.throwIfAborted();
    const rank = plan.items[start]?.rank;
    let end = start;
    while (end < plan.items.length && plan.items[end]?.rank === rank) end++;
    const indices: number[] = [];
    for (let i = start; i < end; i++) {
      const already = results[i];
      if (already) {
        results[i] = undefined;
        settle(i, already);
      } else indices.push(i);
    }
    let next = 0;
    const lane = async () => {
      while (next < indices.length) {
        options.signal?.throwIfAborted();
        const index = indices[next++] as number;
        const item = plan.items[index] as RestoreItem;
        settle(index, await writeOne(item));
        await options.onProgress?.({ done, total: plan.items.length, ...counts, key: item.key });
        await checkpoint(false);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, indices.length) }, lane));
    await checkpoint(true);
    const kind = plan.items[start]?.key;
    if (!options.dryRun && (kind === CRDS || kind === NAMESPACES)) {
      const written = plan.items
        .slice(start, end)
        .filter((item, k) => item.action !== 'skip' && results[start + k]?.outcome !== 'failed');
      await Promise.all(written.map((item) => waitReady(resources, item, options)));
    }
    start = end;
  }
  return results.map((r) => r ?? { outcome: 'skipped', reason: 'not reached' });
}

/**
 * What the server keeps on an update: the object's resourceVersion, and a Service's allocated addresses. The
 * action annotation says replaced (a create that met AlreadyExists comes here with `created`).
 */
function withServerFields(object: KubeObject, current: KubeObject): KubeObject {
  const copy = structuredClone(object);
  const annotations = (copy.metadata?.annotations ?? {}) as Record<string, string>;
  copy.metadata = {
    ...copy.metadata,
    resourceVersion: current.metadata?.resourceVersion,
    annotations: { ...annotations, [RESTORE_ACTION_ANNOTATION]: 'replaced' },
  };
  const spec = copy.spec as Record<string, unknown> | undefined;
  const old = current.spec as Record<string, unknown> | undefined;
  if (copy.kind === 'Service' && spec && old) {
    for (const field of ['clusterIP', 'clusterIPs', 'ipFamilies'])
      if (spec[field] === undefined && old[field] !== undefined) spec[field] = old[field];
  }
  return copy;
}

/** A definition Established, a namespace Active: what the objects after them need. */
async function waitReady(
  resources: ClusterResources,
  item: RestoreItem,
  options: ExecuteOptions,
): Promise<void> {
  const until = options.clock.now() + (options.readyTimeoutMs ?? 60_000);
  while (options.clock.now() < until) {
    const object = await resources.get(item.resource, undefined, item.name, options.signal);
    if (object && isReady(item.key, object)) return;
    await options.clock.sleep(100, options.signal);
  }
  // Not ready in time: the objects that need it are tried anyway and fail with the server's own message.
}

function isReady(key: string, object: KubeObject): boolean {
  const status = object.status as
    | { phase?: string; conditions?: { type?: string; status?: string }[] }
    | undefined;
  if (key === NAMESPACES) return status?.phase === 'Active';
  return (status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}
