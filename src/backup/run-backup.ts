import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BosunError } from '../ops/errors.js';
import type { Artifact, BackupManifest } from '../ports/backup-manifest.js';
import type { BackupStore, StagedBackup } from '../ports/backup-store.js';
import type { ClusterResources, KubeObject, ServedResource } from '../ports/cluster-resources.js';
import type { ServerVersion } from '../ports/server-version.js';
import type { Clock } from '../shared/clock.js';
import {
  ALL_RESOURCES_FILE,
  artifactPath,
  CHECKSUMS_FILE,
  RESTORE_ORDER_FILE,
  resourceKey,
} from './artifact-path.js';
import { cleanForBackup, isControlled } from './clean-object.js';
import { listAll } from './list-all.js';
import { objectToYaml } from './object-yaml.js';
import { backupResources, matchesKind, NEVER_RESTORED } from './resource-order.js';
import { checkArtifacts } from './verify-artifacts.js';

export interface BackupRequest {
  id: string;
  cluster: string;
  /** `<@U…>` or `schedule <id>`. */
  trigger: string;
  namespaces: readonly string[];
  selector?: string;
  excludeKinds: readonly string[];
  /** False with `--no-secrets`. */
  secrets: boolean;
  /** Said in the manifest's warnings (`--what all` while etcd snapshots do not exist). */
  warnings?: readonly string[];
}

export interface BackupDeps {
  resources: ClusterResources;
  store: BackupStore;
  version: ServerVersion;
  clock: Clock;
  bosunVersion: string;
  /** Objects per list page. */
  pageSize?: number;
}

/** After each resource: how far the backup is. */
export type BackupProgress = (progress: {
  resource: string;
  resourcesDone: number;
  resources: number;
  objects: number;
}) => void | Promise<void>;

const CRDS = 'customresourcedefinitions.apiextensions.k8s.io';

/**
 * Takes one backup: every resource discovery finds (src/backup/resource-order.ts), each object cleaned of what
 * the server filled in and written as one YAML file plus one `all-resources.yaml`, streaming (memory does not
 * grow with the cluster); then every artifact is read back from the store and matched against its checksum, and
 * only then the manifest is written. Anything that fails before leaves nothing listed.
 */
export async function runBackup(
  deps: BackupDeps,
  request: BackupRequest,
  progress: BackupProgress = () => {},
  signal?: AbortSignal,
): Promise<BackupManifest> {
  const startedAt = deps.clock.now();
  const kubernetesVersion = await deps.version.gitVersion(signal);
  const discovery = await deps.resources.discover(signal);
  const warnings = [
    ...(request.warnings ?? []),
    ...discovery.failures.map((f) => `discovery of ${f}: its resources are not in this backup`),
  ];
  const secretsReason = !request.secrets
    ? 'left out with --no-secrets'
    : !deps.store.allowsUnencryptedSecrets
      ? `the ${deps.store.description} is not encrypted and its config does not say includeSecretsUnencrypted: true`
      : undefined;
  const excluded = [...request.excludeKinds];
  const chosen = backupResources(discovery.resources).filter(
    (r) => !matchesKind(r, excluded) && !(secretsReason && resourceKey(r) === 'secrets'),
  );
  const staged = await deps.store.stage(request.cluster, request.id);
  try {
    const writer = new ArtifactWriter(staged);
    await writer.open();
    const counts = new Map<string, { resource: string; kind: string; count: number; bytes: number }>();
    const customKinds = new Set<string>();
    let objects = 0;
    const write = async (resource: ServedResource, object: KubeObject) => {
      const key = resourceKey(resource);
      const bytes = await writer.add(
        resource,
        cleanForBackup(resource, object),
        !NEVER_RESTORED.has(key) && !isControlled(object),
      );
      const entry = counts.get(key) ?? { resource: key, kind: resource.kind, count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += bytes;
      counts.set(key, entry);
      objects++;
    };
    const scoped = request.namespaces.length > 0;
    let done = 0;
    for (const resource of chosen) {
      signal?.throwIfAborted();
      if (resource.namespaced) {
        for (const namespace of scoped ? request.namespaces : [undefined]) {
          for await (const object of listAll(
            deps.resources,
            resource,
            { namespace, labelSelector: request.selector, limit: deps.pageSize },
            signal,
          )) {
            await write(resource, object);
            // Only custom resources have a definition of that name; a built-in's lookup finds nothing.
            if (resource.group) customKinds.add(`${resource.resource}.${resource.group}`);
          }
        }
      } else if (!scoped) {
        for await (const object of listAll(
          deps.resources,
          resource,
          { labelSelector: request.selector, limit: deps.pageSize },
          signal,
        ))
          await write(resource, object);
      } else if (resourceKey(resource) === 'namespaces') {
        for (const name of request.namespaces) {
          const object = await deps.resources.get(resource, undefined, name, signal);
          if (object) await write(resource, object);
          else warnings.push(`namespace ${name} does not exist`);
        }
      }
      done++;
      await progress({
        resource: resourceKey(resource),
        resourcesDone: done,
        resources: chosen.length,
        objects,
      });
    }
    // A backup of some namespaces carries the definitions of the custom resources found in them.
    const crds = scoped ? chosen.find((r) => resourceKey(r) === CRDS) : undefined;
    if (crds) {
      for (const name of [...customKinds].sort()) {
        const object = await deps.resources.get(crds, undefined, name, signal);
        if (object) await write(crds, object);
      }
    }
    const artifacts = await writer.close();
    await staged.upload(writer.paths());
    const problems = await checkArtifacts(staged, artifacts, writer.objectSums(), signal);
    if (problems.length > 0) {
      throw new BosunError(
        'BACKUP_UNVERIFIED',
        `The backup was written but did not read back as written: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}.`,
        'Nothing was listed. Check the store, then run the backup again.',
      );
    }
    const finishedAt = deps.clock.now();
    const kinds = [...counts.values()].sort((a, b) => a.resource.localeCompare(b.resource));
    const manifest: BackupManifest = {
      format: 1,
      id: request.id,
      cluster: request.cluster,
      what: 'resources',
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      kubernetesVersion,
      bosunVersion: deps.bosunVersion,
      trigger: request.trigger,
      scope: {
        namespaces: [...request.namespaces],
        selector: request.selector,
        excludedKinds: excluded,
        secrets: secretsReason ? 'excluded' : 'included',
        secretsReason,
      },
      objects,
      bytes: kinds.reduce((sum, k) => sum + k.bytes, 0),
      kinds,
      artifacts,
      warnings,
      verification: {
        state: 'passed',
        at: new Date(finishedAt).toISOString(),
        checks: ['checksums'],
        problems: [],
      },
      ...(deps.store.encryption ? { encryption: deps.store.encryption } : {}),
    };
    await staged.commit(manifest);
    return manifest;
  } catch (error) {
    await staged.discard();
    throw error;
  }
}

/** A stream of text with its SHA-256 and size kept as it is written. */
class HashedFile {
  private readonly hash = createHash('sha256');
  private size = 0;
  private readonly stream: WriteStream;

  constructor(
    readonly path: string,
    absolute: string,
  ) {
    this.stream = createWriteStream(absolute);
  }

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    this.hash.update(bytes);
    this.size += bytes.length;
    if (!this.stream.write(bytes)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  async close(): Promise<Artifact> {
    await new Promise<void>((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    return { path: this.path, bytes: this.size, sha256: this.hash.digest('hex') };
  }
}

/** Writes the object files and the three files about them, keeping checksums as it goes. */
class ArtifactWriter {
  private readonly dirs = new Set<string>();
  private readonly sums = new Map<string, string>();
  private all!: HashedFile;
  private checksums!: HashedFile;
  private order!: HashedFile;

  constructor(private readonly staged: StagedBackup) {}

  async open(): Promise<void> {
    this.all = new HashedFile(ALL_RESOURCES_FILE, join(this.staged.dir, ALL_RESOURCES_FILE));
    this.checksums = new HashedFile(CHECKSUMS_FILE, join(this.staged.dir, CHECKSUMS_FILE));
    this.order = new HashedFile(RESTORE_ORDER_FILE, join(this.staged.dir, RESTORE_ORDER_FILE));
  }

  /** Writes one object; `restorable` puts it in restore-order.txt. Answers its size in bytes. */
  async add(resource: ServedResource, object: KubeObject, restorable: boolean): Promise<number> {
    const path = artifactPath(resource, object);
    const text = objectToYaml(object);
    const dir = dirname(path);
    if (!this.dirs.has(dir)) {
      await mkdir(join(this.staged.dir, dir), { recursive: true });
      this.dirs.add(dir);
    }
    const bytes = Buffer.from(text, 'utf8');
    // Synchronously: tens of microseconds for a small file, where a promise through libuv's thread pool per file
    // made the file system the slowest part of a large backup.
    writeFileSync(join(this.staged.dir, path), bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    this.sums.set(path, sha);
    await this.checksums.write(`${sha}  ${path}\n`);
    await this.all.write(`---\n${text}`);
    if (restorable) await this.order.write(`${path}\n`);
    return bytes.length;
  }

  async close(): Promise<Artifact[]> {
    return [await this.all.close(), await this.checksums.close(), await this.order.close()];
  }

  paths(): string[] {
    return [...this.sums.keys(), ALL_RESOURCES_FILE, CHECKSUMS_FILE, RESTORE_ORDER_FILE];
  }

  objectSums(): ReadonlyMap<string, string> {
    return this.sums;
  }
}
