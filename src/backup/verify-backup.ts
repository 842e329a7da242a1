import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { parseDocument } from 'yaml';
import { BosunError } from '../ops/errors.js';
import type { BackupManifest, Verification } from '../ports/backup-manifest.js';
import type { BackupStore } from '../ports/backup-store.js';
import {
  type ClusterResources,
  type KubeObject,
  ResourceWriteError,
  type ServedResource,
} from '../ports/cluster-resources.js';
import type { RestoreDrill } from '../ports/restore-drill.js';
import type { Clock } from '../shared/clock.js';
import { CHECKSUMS_FILE, CLUSTER_SCOPE_DIR, RESTORE_ORDER_FILE, resourceKey } from './artifact-path.js';
import { checkArtifacts, isMissingArtifact, parseChecksums } from './verify-artifacts.js';

export interface VerifyDeps {
  store: BackupStore;
  resources: ClusterResources;
  clock: Clock;
  /** At most this many objects are dry-run; a larger backup dry-runs a deterministic sample. Default 2,000. */
  dryRunLimit?: number;
  /** Dry-run requests in flight at once. Default 8. */
  concurrency?: number;
  /** Runs after the checks when given (the restore planner's drill into a scratch cluster). */
  drill?: RestoreDrill;
}

/** How far a verification is: files read and parsed, then objects dry-run. */
export type VerifyProgress = (progress: {
  step: 'files' | 'dry-run';
  done: number;
  total: number;
}) => void | Promise<void>;

/** What `backup verify` found, for its answer; the verification itself is written to the manifest. */
export interface VerifyReport {
  manifest: BackupManifest;
  files: number;
  dryRun: {
    /** Objects a restore would create (restore-order.txt). */
    restorable: number;
    tried: number;
    sampled: boolean;
    created: number;
    alreadyExist: number;
    /** Not dry-run: their namespace is not in the cluster (a restore makes it first). */
    namespaceMissing: number;
    failed: number;
  };
}

const DRY_RUN_LIMIT = 2000;
const CRDS = 'customresourcedefinitions.apiextensions.k8s.io';
const CHECKS_SHOWN = 200;

/**
 * Verifies a stored backup again: every artifact's checksum recomputed from the store, every object file parsed,
 * SHA256SUMS matched against the manifest's counts, then every object a restore would create (or a deterministic
 * sample of a large backup) created with `dryRun=All` against the cluster, which changes nothing: AlreadyExists
 * counts as accepted, Invalid, an unknown kind or a missing CRD fail, named per file. The result is written to the
 * manifest, so a backup that failed is never `latest` and `backup list` says FAILED.
 */
export async function verifyBackup(
  deps: VerifyDeps,
  cluster: string,
  id: string,
  progress: VerifyProgress = () => {},
  signal?: AbortSignal,
): Promise<VerifyReport> {
  const manifest = await deps.store.manifest(cluster, id);
  if (!manifest) {
    throw new BosunError('BACKUP_NOT_FOUND', `\`${cluster}\` has no backup \`${id}\`.`);
  }
  const read = (path: string) => deps.store.read(cluster, id, path);
  const problems: string[] = [];
  const notes: string[] = [];

  // The three files the manifest lists, SHA256SUMS among them: its checksum is the manifest's.
  problems.push(...(await checkArtifacts({ read }, manifest.artifacts, new Map(), signal)));
  const sums = await checksumsOf(read, problems);
  problems.push(...countsDisagree(manifest, sums));
  const restorable = new Set(await linesOf(read(RESTORE_ORDER_FILE)));

  const objects: { path: string; object: KubeObject }[] = [];
  let files = 0;
  for (const [path, sha] of sums) {
    signal?.throwIfAborted();
    const problem = await checkFile(read, path, sha, (object) => {
      if (restorable.has(path)) objects.push({ path, object });
    });
    if (problem) problems.push(problem);
    files++;
    if (files % 500 === 0) await progress({ step: 'files', done: files, total: sums.size });
  }

  const limit = deps.dryRunLimit ?? DRY_RUN_LIMIT;
  const chosen = objects.length > limit ? sampleOf(objects, limit) : objects;
  const dryRun = await dryRunAll(deps, sums, chosen, problems, progress, signal);
  const sampled = chosen.length < objects.length;
  if (sampled) {
    notes.push(
      `dry run of a sample: ${chosen.length.toLocaleString('en-US')} of the ${objects.length.toLocaleString('en-US')} objects a restore creates (evenly spaced, at least one of each kind)`,
    );
  }
  if (dryRun.namespaceMissing > 0) {
    notes.push(
      `${dryRun.namespaceMissing.toLocaleString('en-US')} objects not dry-run: their namespace is not in the cluster (a restore creates it first)`,
    );
  }

  const checks = ['checksums', 'parse', 'dry-run'];
  if (deps.drill) {
    const drill = await deps.drill({ manifest, read, signal });
    checks.push('drill');
    problems.push(...drill.problems);
    if (drill.note) notes.push(drill.note);
  }

  const shown = problems.slice(0, CHECKS_SHOWN);
  if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more problems`);
  const verification: Verification = {
    state: problems.length === 0 ? 'passed' : 'failed',
    at: new Date(deps.clock.now()).toISOString(),
    checks,
    problems: shown,
    ...(notes.length > 0 ? { notes } : {}),
  };
  const verified = { ...manifest, verification };
  await deps.store.updateManifest(verified);
  return {
    manifest: verified,
    files,
    dryRun: { ...dryRun, restorable: objects.length, tried: chosen.length, sampled },
  };
}

/** SHA256SUMS as read from the store; a problem and no entries when it cannot be read. */
async function checksumsOf(
  read: (path: string) => Readable,
  problems: string[],
): Promise<Map<string, string>> {
  const text = await textOf(read(CHECKSUMS_FILE));
  if (text === undefined) return new Map();
  const sums = parseChecksums(text);
  if (typeof sums === 'string') {
    problems.push(`${CHECKSUMS_FILE}: ${sums}`);
    return new Map();
  }
  return sums;
}

/** SHA256SUMS must list as many files of each kind as the manifest counts. */
function countsDisagree(manifest: BackupManifest, sums: ReadonlyMap<string, string>): string[] {
  const listed = new Map<string, number>();
  for (const path of sums.keys()) {
    const key = path.split('/')[1] ?? '';
    listed.set(key, (listed.get(key) ?? 0) + 1);
  }
  const problems: string[] = [];
  for (const kind of manifest.kinds) {
    const count = listed.get(kind.resource) ?? 0;
    if (count !== kind.count) {
      problems.push(
        `${CHECKSUMS_FILE} lists ${count} ${kind.resource} files, the manifest counts ${kind.count}`,
      );
    }
    listed.delete(kind.resource);
  }
  for (const [key, count] of listed) {
    problems.push(`${CHECKSUMS_FILE} lists ${count} ${key} files the manifest does not count`);
  }
  return problems;
}

/** One object file: there, matching its checksum, and one YAML document of a Kubernetes object. */
async function checkFile(
  read: (path: string) => Readable,
  path: string,
  sha: string,
  parsed: (object: KubeObject) => void,
): Promise<string | undefined> {
  const bytes = await bytesOf(read(path));
  if (!bytes) return `${path} is missing`;
  const wrongSum = createHash('sha256').update(bytes).digest('hex') !== sha;
  const document = parseDocument(bytes.toString('utf8'));
  const error = document.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    return `${path} is not YAML${line ? ` (line ${line})` : ''}: ${error.message.split('\n')[0]}${wrongSum ? '; it does not match its checksum in SHA256SUMS' : ''}`;
  }
  if (wrongSum) return `${path} does not match its checksum in SHA256SUMS`;
  const object = document.toJS() as unknown;
  if (!isObject(object)) return `${path} does not hold a Kubernetes object (apiVersion, kind, metadata.name)`;
  parsed(object);
  return undefined;
}

function isObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as KubeObject;
  return (
    typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string'
  );
}

/** Evenly spaced objects, and the first of every kind the spacing missed: the same sample every time. */
function sampleOf<T extends { path: string }>(objects: readonly T[], limit: number): T[] {
  const step = objects.length / limit;
  const picked = new Set<number>();
  for (let i = 0; i < limit; i++) picked.add(Math.floor(i * step));
  const kinds = new Set([...picked].map((i) => objects[i]?.path.split('/')[1]));
  objects.forEach((o, i) => {
    const kind = o.path.split('/')[1];
    if (!kinds.has(kind)) {
      kinds.add(kind);
      picked.add(i);
    }
  });
  return [...picked].sort((a, b) => a - b).flatMap((i) => objects[i] ?? []);
}

async function dryRunAll(
  deps: VerifyDeps,
  sums: ReadonlyMap<string, string>,
  objects: readonly { path: string; object: KubeObject }[],
  problems: string[],
  progress: VerifyProgress,
  signal?: AbortSignal,
) {
  const counts = { created: 0, alreadyExist: 0, namespaceMissing: 0, failed: 0 };
  if (objects.length === 0) return counts;
  const discovery = await deps.resources.discover(signal);
  const served = new Map(discovery.resources.map((r) => [resourceKey(r), r]));
  const namespaces = served.get('namespaces');
  const namespaceThere = new Map<string, Promise<boolean>>();
  const hasNamespace = (name: string) => {
    let there = namespaceThere.get(name);
    if (!there) {
      there = namespaces
        ? deps.resources.get(namespaces, undefined, name, signal).then((n) => n !== undefined)
        : Promise.resolve(true);
      namespaceThere.set(name, there);
    }
    return there;
  };
  const found: string[][] = objects.map(() => []);
  // A refusal of bosun's identity is one line per kind, not one per object.
  const forbidden = new Map<string, { count: number; message: string }>();
  let next = 0;
  let done = 0;
  const one = async (index: number) => {
    const item = objects[index];
    if (!item) return;
    const { path, object } = item;
    const [scope = '', key = ''] = path.split('/');
    const resource = served.get(key);
    if (!resource) {
      counts.failed++;
      found[index]?.push(
        sums.has(`${CLUSTER_SCOPE_DIR}/${CRDS}/${key}.yaml`)
          ? `${path}: the cluster has no CustomResourceDefinition ${key} (it is in this backup; a restore creates it first)`
          : `${path}: the cluster serves no ${object.kind} (${key})`,
      );
      return;
    }
    if (scope !== CLUSTER_SCOPE_DIR && resource.namespaced && !(await hasNamespace(scope))) {
      counts.namespaceMissing++;
      return;
    }
    const outcome = await dryRunCreate(deps.resources, resource, object, signal);
    if (outcome === 'created') counts.created++;
    else if (outcome === 'exists') counts.alreadyExist++;
    else if (typeof outcome === 'object') {
      counts.failed++;
      const entry = forbidden.get(key) ?? { count: 0, message: outcome.forbidden };
      entry.count++;
      forbidden.set(key, entry);
    } else {
      counts.failed++;
      found[index]?.push(`${path}: ${outcome}`);
    }
  };
  const worker = async () => {
    while (next < objects.length) {
      signal?.throwIfAborted();
      await one(next++);
      done++;
      if (done % 200 === 0) await progress({ step: 'dry-run', done, total: objects.length });
    }
  };
  await Promise.all(Array.from({ length: deps.concurrency ?? 8 }, worker));
  problems.push(...found.flat());
  for (const [key, { count, message }] of forbidden) {
    problems.push(
      `${count} ${key}: the dry run was refused (Forbidden: ${message}); bosun's identity needs create on them, as a restore does`,
    );
  }
  return counts;
}

/** One object created with `dryRun=All`: as a restore would (no owner references), nothing stored. */
async function dryRunCreate(
  resources: ClusterResources,
  resource: ServedResource,
  object: KubeObject,
  signal?: AbortSignal,
): Promise<'created' | 'exists' | { forbidden: string } | string> {
  const { ownerReferences: _owners, ...metadata } = object.metadata ?? {};
  const version = object.apiVersion?.split('/').pop() ?? resource.version;
  try {
    await resources.create({ ...resource, version }, { ...object, metadata }, { dryRun: true }, signal);
    return 'created';
  } catch (error) {
    if (!(error instanceof ResourceWriteError)) throw error;
    if (error.reason === 'AlreadyExists' || error.code === 409) return 'exists';
    if (error.code === 403) return { forbidden: error.message };
    if (error.code === 404) return `the cluster serves no ${object.apiVersion} ${object.kind}`;
    return `${error.reason || `refused (${error.code})`}: ${error.message}`;
  }
}

async function bytesOf(stream: Readable): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } catch (error) {
    if (isMissingArtifact(error)) return undefined;
    throw error;
  }
  return Buffer.concat(chunks);
}

async function textOf(stream: Readable): Promise<string | undefined> {
  return (await bytesOf(stream))?.toString('utf8');
}

async function linesOf(stream: Readable): Promise<string[]> {
  return ((await textOf(stream)) ?? '').split('\n').filter((l) => l !== '');
}
