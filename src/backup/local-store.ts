import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BosunError } from '../ops/errors.js';
import { type BackupManifest, BackupManifestSchema } from '../ports/backup-manifest.js';
import type { BackupStore, StagedBackup } from '../ports/backup-store.js';
import { isSafeArtifactPath, MANIFEST_FILE } from './artifact-path.js';
import { isBackupId } from './backup-id.js';

const STAGING_DIR = '.staging';

/**
 * Backups in a local folder: `<root>/<cluster>/<id>/`, each with its manifest. A backup is written under
 * `<root>/<cluster>/.staging/<id>/` and renamed into place once checked, so a half-written one is never
 * listed; staging left by a killed run is removed when that backup is staged again or the next one starts.
 */
export class LocalBackupStore implements BackupStore {
  readonly allowsUnencryptedSecrets = true;
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = 'local folder';
  }

  async stage(cluster: string, id: string): Promise<StagedBackup> {
    checkId(id);
    const staging = join(this.root, cluster, STAGING_DIR);
    // What a killed run left is never resumed half-checked: start its backup again from nothing.
    await rm(staging, { recursive: true, force: true });
    const dir = join(staging, id);
    await mkdir(dir, { recursive: true });
    const final = join(this.root, cluster, id);
    return {
      dir,
      upload: async () => {},
      read: (path) => createReadStream(join(dir, safe(path))),
      commit: async (manifest) => {
        await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
        await rm(final, { recursive: true, force: true });
        await rename(dir, final);
      },
      discard: async () => {
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  async list(cluster: string): Promise<BackupManifest[]> {
    let names: string[];
    try {
      names = await readdir(join(this.root, cluster));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const manifests: BackupManifest[] = [];
    for (const name of names.filter(isBackupId).sort()) {
      const manifest = await this.manifest(cluster, name);
      if (manifest) manifests.push(manifest);
    }
    return manifests;
  }

  async manifest(cluster: string, id: string): Promise<BackupManifest | undefined> {
    if (!isBackupId(id)) return undefined;
    let text: string;
    try {
      text = await readFile(join(this.root, cluster, id, MANIFEST_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseManifest(text, `${cluster}/${id}/${MANIFEST_FILE}`);
  }

  async updateManifest(manifest: BackupManifest): Promise<void> {
    const path = join(this.root, manifest.cluster, manifest.id, MANIFEST_FILE);
    await stat(path);
    const next = `${path}.next`;
    await writeFile(next, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(next, path);
  }

  read(cluster: string, id: string, path: string): Readable {
    checkId(id);
    return createReadStream(join(this.root, cluster, id, safe(path)));
  }

  async delete(cluster: string, id: string): Promise<void> {
    checkId(id);
    await rm(join(this.root, cluster, id), { recursive: true, force: true });
  }
}

function checkId(id: string): void {
  if (!isBackupId(id)) throw new Error(`not a backup id: ${id}`);
}

function safe(path: string): string {
  if (!isSafeArtifactPath(path)) throw new Error(`not a path inside a backup: ${path}`);
  return path;
}

/** A manifest that does not parse is a corrupt backup, said with the file. */
export function parseManifest(text: string, where: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BosunError(
      'BACKUP_CORRUPT',
      `The manifest \`${where}\` is not JSON.`,
      'The backup cannot be trusted; take a new one.',
    );
  }
  const parsed = BackupManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BosunError(
      'BACKUP_CORRUPT',
      `The manifest \`${where}\` is not a bosun backup manifest (${issue?.path.join('.') || 'top'}: ${issue?.message}).`,
      'The backup cannot be trusted; take a new one.',
    );
  }
  return parsed.data;
}
