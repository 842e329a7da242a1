import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { BosunError } from '../ops/errors.js';
import type { BackupManifest } from '../ports/backup-manifest.js';
import type { BackupStore, StagedBackup } from '../ports/backup-store.js';
import { isSafeArtifactPath, MANIFEST_FILE } from './artifact-path.js';
import { isBackupId } from './backup-id.js';
import { parseManifest } from './local-store.js';

export interface S3StoreOptions {
  bucket: string;
  /** Keys start `<prefix>/`; none when empty. */
  prefix: string;
  region: string;
  /** An S3-compatible server's URL (MinIO, Ceph, R2, …); AWS's own when absent. */
  endpoint?: string;
  /** `<endpoint>/<bucket>/<key>` rather than `<bucket>.<endpoint>/<key>` (most S3-compatible servers). */
  forcePathStyle: boolean;
  /** Absent: the SDK's own chain (AWS_* variables, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** `when_required` sends request checksums only where S3 demands them (servers that are not AWS often reject the rest). */
  checksums: 'when_required' | 'when_supported';
  includeSecretsUnencrypted: boolean;
  /** Where a backup is written before it is uploaded; the system's temp folder when absent. */
  stagingDir?: string;
  /** Objects uploaded at once. */
  concurrency?: number;
  /** A backup without a manifest whose newest object is older than this was abandoned (a killed run): removed. */
  abandonedAfterMs?: number;
}

/**
 * Backups in an S3 bucket: `<prefix>/<cluster>/<id>/<path>` per artifact, `manifest.json` written last, so a
 * backup whose upload stopped half-way has no manifest and is never listed. A discarded backup's objects are
 * deleted; those a killed run left are deleted once they are older than `abandonedAfterMs`, when the cluster's
 * next backup starts. Each file is uploaded from the staging folder as a stream (no backup is held in memory).
 */
export class S3BackupStore implements BackupStore {
  readonly description: string;
  readonly allowsUnencryptedSecrets: boolean;
  private readonly client: S3Client;
  private readonly base: string;

  constructor(private readonly options: S3StoreOptions) {
    const prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.base = prefix ? `${prefix}/` : '';
    this.description = `s3://${options.bucket}/${prefix}`;
    this.allowsUnencryptedSecrets = options.includeSecretsUnencrypted;
    const checksums = options.checksums === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
    });
  }

  async stage(cluster: string, id: string): Promise<StagedBackup> {
    checkId(id);
    await this.removeAbandoned(cluster, id);
    const dir = await mkdtemp(join(this.options.stagingDir ?? tmpdir(), 'bosun-s3-staging-'));
    const folder = this.key(cluster, id);
    return {
      dir,
      upload: async (paths) => {
        const queue = [...paths];
        const worker = async () => {
          for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
            const file = join(dir, safe(path));
            const { size } = await stat(file);
            await this.client.send(
              new PutObjectCommand({
                Bucket: this.options.bucket,
                Key: `${folder}${path}`,
                Body: createReadStream(file),
                ContentLength: size,
              }),
            );
          }
        };
        await Promise.all(Array.from({ length: this.options.concurrency ?? 8 }, worker));
      },
      read: (path) => this.get(`${folder}${safe(path)}`),
      commit: async (manifest) => {
        await this.putManifest(manifest);
        await rm(dir, { recursive: true, force: true });
      },
      discard: async () => {
        await this.deletePrefix(folder);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  async list(cluster: string): Promise<BackupManifest[]> {
    const ids = (await this.ids(cluster)).sort();
    const manifests: BackupManifest[] = [];
    for (const id of ids) {
      const manifest = await this.manifest(cluster, id);
      if (manifest) manifests.push(manifest);
    }
    return manifests;
  }

  async manifest(cluster: string, id: string): Promise<BackupManifest | undefined> {
    if (!isBackupId(id)) return undefined;
    const key = `${this.key(cluster, id)}${MANIFEST_FILE}`;
    let text: string;
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      text = (await answer.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.failed(error);
    }
    return parseManifest(text, `${this.description.replace(/\/$/, '')}/${cluster}/${id}/${MANIFEST_FILE}`);
  }

  async updateManifest(manifest: BackupManifest): Promise<void> {
    checkId(manifest.id);
    const key = `${this.key(manifest.cluster, manifest.id)}${MANIFEST_FILE}`;
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (error) {
      if (isMissing(error))
        throw new Error(`no backup ${manifest.cluster}/${manifest.id} in ${this.description}`);
      throw this.failed(error);
    }
    await this.putManifest(manifest);
  }

  read(cluster: string, id: string, path: string): Readable {
    checkId(id);
    return this.get(`${this.key(cluster, id)}${safe(path)}`);
  }

  async delete(cluster: string, id: string): Promise<void> {
    checkId(id);
    // The manifest first: a delete that stops half-way leaves an unlisted remainder, never a listed torso.
    await this.deleteKeys([`${this.key(cluster, id)}${MANIFEST_FILE}`]);
    await this.deletePrefix(this.key(cluster, id));
  }

  /** Ends the client's connections (tests). */
  close(): void {
    this.client.destroy();
  }

  private key(cluster: string, id: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(cluster)) throw new Error(`not a cluster name: ${cluster}`);
    return `${this.base}${cluster}/${id}/`;
  }

  private get(key: string): Readable {
    const out = new PassThrough();
    this.client
      .send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }))
      .then((answer) => {
        const body = answer.Body as Readable | undefined;
        if (!body) return out.end();
        body.on('error', (error) => out.destroy(error));
        body.pipe(out);
      })
      .catch((error: unknown) => {
        out.destroy(
          isMissing(error)
            ? Object.assign(new Error(`s3://${this.options.bucket}/${key} does not exist`), {
                code: 'ENOENT',
              })
            : this.failed(error),
        );
      });
    return out;
  }

  private async putManifest(manifest: BackupManifest): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: `${this.key(manifest.cluster, manifest.id)}${MANIFEST_FILE}`,
        Body: `${JSON.stringify(manifest, null, 2)}\n`,
        ContentType: 'application/json',
      }),
    );
  }

  /** The ids of the cluster's backup folders, with or without a manifest. */
  private async ids(cluster: string): Promise<string[]> {
    const prefix = `${this.base}${cluster}/`;
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client
        .send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: prefix,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        )
        .catch((error: unknown) => {
          throw this.failed(error);
        });
      for (const common of page.CommonPrefixes ?? []) {
        const id = common.Prefix?.slice(prefix.length).replace(/\/$/, '');
        if (id && isBackupId(id)) ids.push(id);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return ids;
  }

  private async keys(prefix: string): Promise<{ key: string; modified: number }[]> {
    const keys: { key: string; modified: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? [])
        if (object.Key) keys.push({ key: object.Key, modified: object.LastModified?.getTime() ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private async deletePrefix(prefix: string): Promise<void> {
    await this.deleteKeys((await this.keys(prefix)).map((k) => k.key));
  }

  private async deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.options.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  /** This backup's earlier attempt, and other backups a killed run left without a manifest long enough ago. */
  private async removeAbandoned(cluster: string, id: string): Promise<void> {
    const horizon = Date.now() - (this.options.abandonedAfterMs ?? 3_600_000);
    for (const other of await this.ids(cluster)) {
      if ((await this.manifest(cluster, other).catch(() => 'corrupt')) !== undefined) continue;
      const keys = await this.keys(this.key(cluster, other));
      if (other === id || keys.every((k) => k.modified < horizon))
        await this.deleteKeys(keys.map((k) => k.key));
    }
  }

  private failed(error: unknown): Error {
    if (error instanceof BosunError) return error;
    const name = (error as { name?: string }).name ?? 'Error';
    const message = (error as { message?: string }).message ?? String(error);
    return new BosunError(
      'BACKUP_STORE_FAILED',
      `The bucket ${this.description} answered ${name}: ${message}`,
      'Check backups.store (endpoint, region, bucket, credentials), then try again.',
    );
  }
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}

function checkId(id: string): void {
  if (!isBackupId(id)) throw new Error(`not a backup id: ${id}`);
}

function safe(path: string): string {
  if (!isSafeArtifactPath(path)) throw new Error(`not a path inside a backup: ${path}`);
  return path;
}
