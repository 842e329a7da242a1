import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { expect, it } from '@jest/globals';
import type { BackupManifest } from '../../src/ports/backup-manifest.js';
import type { BackupStore } from '../../src/ports/backup-store.js';

/** One store under test: how to make it, and how to corrupt a manifest behind its back. */
export interface StoreUnderTest {
  store: BackupStore;
  /** Replaces the stored manifest of a committed backup with this text, bypassing the store. */
  corruptManifest(cluster: string, id: string, text: string): Promise<void>;
}

export async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function manifestFor(
  cluster: string,
  id: string,
  files: Record<string, string>,
  over: Partial<BackupManifest> = {},
): BackupManifest {
  return {
    format: 1,
    id,
    cluster,
    what: 'resources',
    startedAt: '2026-12-07T10:00:00.000Z',
    finishedAt: '2026-12-07T10:00:05.000Z',
    kubernetesVersion: 'v1.31.4',
    bosunVersion: '0.0.0-test',
    trigger: '<@UALICE>',
    scope: { namespaces: [], excludedKinds: [], secrets: 'included' },
    objects: Object.keys(files).length,
    bytes: Object.values(files).reduce((sum, f) => sum + Buffer.byteLength(f), 0),
    kinds: [],
    artifacts: Object.entries(files).map(([path, content]) => ({
      path,
      bytes: Buffer.byteLength(content),
      sha256: createHash('sha256').update(content).digest('hex'),
    })),
    warnings: [],
    verification: { state: 'passed', at: '2026-12-07T10:00:05.000Z', checks: ['checksums'], problems: [] },
    ...over,
  };
}

const FILES = {
  'shop/configmaps/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
  '_cluster/namespaces/shop.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n',
  'all-resources.yaml': '---\nkind: Namespace\n---\nkind: ConfigMap\n',
};

/** The manifest as the store keeps it: an encrypting store adds which key it used. */
export function asStored(store: BackupStore, manifest: BackupManifest): BackupManifest {
  return store.encryption ? { ...manifest, encryption: store.encryption } : manifest;
}

/** Stages, writes, uploads and commits one backup of these files; answers its manifest. */
export async function backUp(
  store: BackupStore,
  cluster: string,
  id: string,
  files: Record<string, string> = FILES,
): Promise<BackupManifest> {
  const staged = await store.stage(cluster, id);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(staged.dir, path)), { recursive: true });
    await writeFile(join(staged.dir, path), content);
  }
  await staged.upload(Object.keys(files));
  const manifest = manifestFor(cluster, id, files);
  await staged.commit(manifest);
  return asStored(store, manifest);
}

/**
 * What every BackupStore does, run against each one (test/backup/stores.test.ts), so that local, Git and S3
 * cannot drift apart. Each call gets its own cluster name, so the cases share nothing.
 */
export function storeContract(make: () => StoreUnderTest): void {
  let n = 0;
  const cluster = () => `c${++n}-${Math.random().toString(36).slice(2, 6)}`;

  it('reads back what was uploaded, lists nothing before commit and the backup after it', async () => {
    const { store } = make();
    const c = cluster();
    const id = '20261207-100000-aaaa';
    const staged = await store.stage(c, id);
    for (const [path, content] of Object.entries(FILES)) {
      await mkdir(dirname(join(staged.dir, path)), { recursive: true });
      await writeFile(join(staged.dir, path), content);
    }
    await staged.upload(Object.keys(FILES));
    expect(await text(staged.read('shop/configmaps/settings.yaml'))).toBe(
      FILES['shop/configmaps/settings.yaml'],
    );
    expect(await store.list(c)).toEqual([]);
    expect(await store.manifest(c, id)).toBeUndefined();
    const written = manifestFor(c, id, FILES);
    await staged.commit(written);
    const manifest = asStored(store, written);
    expect(await store.list(c)).toEqual([manifest]);
    expect(await store.manifest(c, id)).toEqual(manifest);
    expect(await text(store.read(c, id, '_cluster/namespaces/shop.yaml'))).toBe(
      FILES['_cluster/namespaces/shop.yaml'],
    );
  });

  it('leaves nothing listed or readable when a staged backup is discarded', async () => {
    const { store } = make();
    const c = cluster();
    const id = '20261207-100000-bbbb';
    const staged = await store.stage(c, id);
    await writeFile(join(staged.dir, 'all-resources.yaml'), 'kind: ConfigMap\n');
    await staged.upload(['all-resources.yaml']);
    await staged.discard();
    expect(await store.list(c)).toEqual([]);
    expect(await store.manifest(c, id)).toBeUndefined();
    await expect(text(store.read(c, id, 'all-resources.yaml'))).rejects.toThrow();
  });

  it('lists a cluster backups oldest first, and only that cluster', async () => {
    const { store } = make();
    const c = cluster();
    const other = cluster();
    await backUp(store, c, '20261207-120000-cccc');
    await backUp(store, c, '20261207-110000-dddd');
    await backUp(store, other, '20261207-115000-eeee');
    expect((await store.list(c)).map((m) => m.id)).toEqual(['20261207-110000-dddd', '20261207-120000-cccc']);
  });

  it('reads each backup as it was written, after a newer backup replaced its files', async () => {
    const { store } = make();
    const c = cluster();
    await backUp(store, c, '20261207-100000-ffff', { 'a/configmaps/x.yaml': 'v: 1\n' });
    await backUp(store, c, '20261207-100100-ffff', { 'a/configmaps/x.yaml': 'v: 2\n' });
    expect(await text(store.read(c, '20261207-100000-ffff', 'a/configmaps/x.yaml'))).toBe('v: 1\n');
    expect(await text(store.read(c, '20261207-100100-ffff', 'a/configmaps/x.yaml'))).toBe('v: 2\n');
  });

  it('rewrites a manifest with a later verification', async () => {
    const { store } = make();
    const c = cluster();
    const manifest = await backUp(store, c, '20261207-100000-gggg');
    const failed: BackupManifest = {
      ...manifest,
      verification: {
        state: 'failed',
        at: '2026-12-08T00:00:00.000Z',
        checks: ['checksums'],
        problems: ['x'],
      },
    };
    await store.updateManifest(failed);
    expect(await store.manifest(c, manifest.id)).toEqual(failed);
    expect(await store.list(c)).toEqual([failed]);
    expect(await text(store.read(c, manifest.id, 'all-resources.yaml'))).toBe(FILES['all-resources.yaml']);
  });

  it('deletes a backup: no longer listed nor readable, the others kept', async () => {
    const { store } = make();
    const c = cluster();
    await backUp(store, c, '20261207-100000-hhhh');
    const kept = await backUp(store, c, '20261207-100001-hhhh');
    await store.delete(c, '20261207-100000-hhhh');
    expect(await store.list(c)).toEqual([kept]);
    expect(await store.manifest(c, '20261207-100000-hhhh')).toBeUndefined();
    await expect(text(store.read(c, '20261207-100000-hhhh', 'all-resources.yaml'))).rejects.toThrow();
  });

  it('refuses ids that are not backup ids and paths that leave the backup', async () => {
    const { store } = make();
    const c = cluster();
    await backUp(store, c, '20261207-100000-jjjj');
    await expect(store.stage(c, '../escape')).rejects.toThrow('not a backup id');
    expect(() => store.read(c, '../x', 'all-resources.yaml')).toThrow('not a backup id');
    expect(() => store.read(c, '20261207-100000-jjjj', '../../etc/passwd')).toThrow(
      'not a path inside a backup',
    );
    expect(await store.manifest(c, '../../x')).toBeUndefined();
  });

  it('answers a missing file as missing (ENOENT), as verification expects', async () => {
    const { store } = make();
    const c = cluster();
    await backUp(store, c, '20261207-100000-kkkk');
    await expect(text(store.read(c, '20261207-100000-kkkk', 'no/such/file.yaml'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('reports a manifest that is not one as BACKUP_CORRUPT, naming it', async () => {
    const under = make();
    const c = cluster();
    await backUp(under.store, c, '20261207-100000-mmmm');
    await under.corruptManifest(c, '20261207-100000-mmmm', '{"format": 1, "id": ');
    await expect(under.store.manifest(c, '20261207-100000-mmmm')).rejects.toMatchObject({
      code: 'BACKUP_CORRUPT',
      message: expect.stringContaining('20261207-100000-mmmm/manifest.json'),
    });
  });
}
