import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VersionApi } from '@kubernetes/client-node';
import { execa } from 'execa';
import { parse } from 'yaml';
import { KubeClusterResources } from '../../src/adapters/k8s/kube-cluster-resources.js';
import { KubeServerVersion } from '../../src/adapters/k8s/kube-server-version.js';
import { newBackupId } from '../../src/backup/backup-id.js';
import { EncryptedStore } from '../../src/backup/encryption.js';
import { GitBackupStore } from '../../src/backup/git-store.js';
import { type BackupDeps, type BackupRequest, runBackup } from '../../src/backup/run-backup.js';
import { S3BackupStore } from '../../src/backup/s3-store.js';
import type { BackupStore } from '../../src/ports/backup-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { type S3Rig, startS3Rig } from '../support/s3.js';
import { type SimRig, startSimRig } from '../support/sim.js';
import { text } from './store-contract.js';

const PASSWORD = 'n0t-in-the-bucket-as-plaintext';

describe('backups of a simulated cluster to Git and S3', () => {
  let rig: SimRig;
  let s3: S3Rig;
  let temp: string;
  let remote: string;
  const closers: (() => void)[] = [];
  const request = (): BackupRequest => ({
    id: newBackupId(Date.now()),
    cluster: 'sim',
    trigger: '<@UALICE>',
    namespaces: ['shop'],
    excludeKinds: [],
    secrets: true,
  });
  const deps = (store: BackupStore): BackupDeps => ({
    resources: new KubeClusterResources(rig.kubeConfig, 'sim'),
    store,
    version: new KubeServerVersion(rig.kubeConfig.makeApiClient(VersionApi), 'sim'),
    clock: systemClock,
    bosunVersion: '0.0.0-test',
  });
  const gitStore = (includeSecretsUnencrypted: boolean, cache: string) => {
    const store = new GitBackupStore({
      repository: remote,
      branch: 'main',
      cacheDir: join(temp, cache),
      authorName: 'bosun',
      authorEmail: 'bosun@example.invalid',
      includeSecretsUnencrypted,
    });
    closers.push(() => store.close());
    return store;
  };

  beforeAll(async () => {
    [rig, s3] = await Promise.all([startSimRig({ scenario: 'small' }), startS3Rig()]);
    temp = await mkdtemp(join(tmpdir(), 'bosun-store-secrets-'));
    remote = join(temp, 'backups.git');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    await rig.core.createNamespacedSecret({
      namespace: 'shop',
      body: { metadata: { name: 'db' }, data: { password: Buffer.from(PASSWORD).toString('base64') } },
    });
  });
  afterAll(async () => {
    for (const close of closers) close();
    await Promise.all([rig.stop(), s3.stop()]);
    await rm(temp, { recursive: true, force: true });
  });

  it('shows in git diff between two backups the ConfigMap that changed in the cluster, and only it', async () => {
    const store = gitStore(false, 'diff');
    await rig.core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'prices' }, data: { coffee: '2.50' } },
    });
    const before = await runBackup(deps(store), request());
    await rig.core.replaceNamespacedConfigMap({
      name: 'prices',
      namespace: 'shop',
      body: { metadata: { name: 'prices', namespace: 'shop' }, data: { coffee: '2.80' } },
    });
    const after = await runBackup(deps(store), request());
    const changed = (
      await execa('git', ['diff', '--name-only', `bosun/sim/${before.id}`, `bosun/sim/${after.id}`], {
        cwd: remote,
      })
    ).stdout.split('\n');
    expect(changed).toContain('sim/shop/configmaps/prices.yaml');
    // Beside it, only the files about the backup as a whole.
    expect(changed.filter((f) => !f.startsWith('sim/shop/'))).toEqual(
      expect.arrayContaining(['sim/manifest.json']),
    );
    expect(changed.filter((f) => f.startsWith('sim/shop/'))).toEqual(['sim/shop/configmaps/prices.yaml']);
    const diff = (
      await execa('git', ['diff', `bosun/sim/${before.id}`, `bosun/sim/${after.id}`, '--', 'sim/shop'], {
        cwd: remote,
      })
    ).stdout;
    expect(diff).toContain('-  coffee: "2.50"');
    expect(diff).toContain('+  coffee: "2.80"');
  });

  it('leaves Secrets out of an unencrypted Git store, and the manifest says why', async () => {
    const manifest = await runBackup(deps(gitStore(false, 'a')), request());
    expect(manifest.scope.secrets).toBe('excluded');
    expect(manifest.scope.secretsReason).toBe(
      `the git main of ${remote} is not encrypted and its config does not say includeSecretsUnencrypted: true`,
    );
    expect(manifest.kinds.map((k) => k.resource)).not.toContain('secrets');
    const tree = (
      await execa('git', ['ls-tree', '-r', '--name-only', `bosun/sim/${manifest.id}`], { cwd: remote })
    ).stdout;
    expect(tree).toContain('sim/shop/configmaps/');
    expect(tree).not.toContain('secrets');
  });

  it('includes them when the Git store says includeSecretsUnencrypted: true', async () => {
    const store = gitStore(true, 'b');
    const manifest = await runBackup(deps(store), request());
    expect(manifest.scope).toMatchObject({ secrets: 'included' });
    expect(manifest.scope.secretsReason).toBeUndefined();
    const secret = parse(await text(store.read('sim', manifest.id, 'shop/secrets/db.yaml')));
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe(PASSWORD);
  });

  it('includes them in an encrypted S3 store, where the bucket holds no plaintext of them', async () => {
    const inner = new S3BackupStore({
      bucket: s3.bucket,
      prefix: 'prod',
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
      checksums: 'when_required',
      includeSecretsUnencrypted: false,
    });
    closers.push(() => inner.close());
    const bare = await runBackup(deps(inner), request());
    expect(bare.scope.secrets).toBe('excluded');
    expect(bare.scope.secretsReason).toContain(`s3://${s3.bucket}/prod is not encrypted`);

    const store = new EncryptedStore(inner, { keyId: 'backups-2026', key: randomBytes(32) });
    const manifest = await runBackup(deps(store), request());
    expect(manifest.scope.secrets).toBe('included');
    expect(manifest.encryption).toEqual({ algorithm: 'AES-256-GCM', keyId: 'backups-2026' });
    expect(manifest.verification.state).toBe('passed');
    expect(await store.list('sim')).toContainEqual(manifest);
    const secret = parse(await text(store.read('sim', manifest.id, 'shop/secrets/db.yaml')));
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe(PASSWORD);
    // Whatever s3rver keeps on disk, neither the secret nor its base64 is in it.
    const everything = await readEverything(s3.directory);
    expect(everything).toContain('BOSUNENC');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(Buffer.from(PASSWORD).toString('base64'));
  });
});

async function readEverything(dir: string): Promise<string> {
  let all = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) all += (await readFile(join(entry.parentPath, entry.name))).toString('latin1');
  }
  return all;
}
