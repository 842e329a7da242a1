import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { MANIFEST_FILE } from '../../src/backup/artifact-path.js';
import { GitBackupStore } from '../../src/backup/git-store.js';
import { LocalBackupStore } from '../../src/backup/local-store.js';
import { S3BackupStore, type S3StoreOptions } from '../../src/backup/s3-store.js';
import { type S3Rig, startS3Rig } from '../support/s3.js';
import { backUp, storeContract, text } from './store-contract.js';

const temps: string[] = [];
async function temp(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `bosun-${name}-`));
  temps.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

const git = async (cwd: string, ...args: string[]) =>
  (await execa('git', args, { cwd, env: { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' } })).stdout;

describe('the local store', () => {
  let root: string;
  beforeAll(async () => {
    root = await temp('local');
  });
  storeContract(() => ({
    store: new LocalBackupStore(root),
    corruptManifest: async (cluster, id, body) => {
      await writeFile(join(root, cluster, id, MANIFEST_FILE), body);
    },
  }));
});

describe('the Git store, against a bare repository', () => {
  let remote: string;
  let cache: string;
  const stores: GitBackupStore[] = [];
  const gitStore = (over: { path?: string; includeSecretsUnencrypted?: boolean } = {}) => {
    const store = new GitBackupStore({
      repository: remote,
      branch: 'main',
      cacheDir: cache,
      authorName: 'bosun',
      authorEmail: 'bosun@example.invalid',
      includeSecretsUnencrypted: false,
      ...over,
    });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    remote = join(await temp('git-remote'), 'backups.git');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    cache = await temp('git-cache');
  });
  afterAll(() => {
    for (const store of stores) store.close();
  });

  storeContract(() => ({
    store: gitStore({ path: 'clusters' }),
    corruptManifest: async (cluster, id, body) => {
      // Someone pushes a broken manifest onto the backup's tag.
      const work = await temp('git-corrupt');
      await git(work, 'clone', '-q', remote, '.');
      await git(work, 'checkout', '-q', `bosun/${cluster}/${id}`);
      await writeFile(join(work, 'clusters', cluster, MANIFEST_FILE), body);
      await git(work, '-c', 'user.name=x', '-c', 'user.email=x@example.invalid', 'commit', '-qam', 'break');
      await git(work, 'push', '-q', '--force', 'origin', `HEAD:refs/tags/bosun/${cluster}/${id}`);
    },
  }));

  it('makes one commit per backup on the branch, so git diff between two tags shows what changed', async () => {
    const store = gitStore();
    await backUp(store, 'prod', '20261207-090000-aaaa', {
      'shop/configmaps/settings.yaml': 'data:\n  currency: EUR\n',
      'shop/secrets/none.yaml': 'kept: 1\n',
    });
    await backUp(store, 'prod', '20261207-091500-bbbb', {
      'shop/configmaps/settings.yaml': 'data:\n  currency: USD\n',
      'shop/secrets/none.yaml': 'kept: 1\n',
    });
    const stat = await git(
      remote,
      'diff',
      '--stat',
      'bosun/prod/20261207-090000-aaaa',
      'bosun/prod/20261207-091500-bbbb',
    );
    expect(stat).toContain('prod/shop/configmaps/settings.yaml');
    expect(stat).not.toContain('none.yaml');
    const log = await git(remote, 'log', '--format=%s', 'main');
    expect(log).toContain('bosun backup 20261207-091500-bbbb of prod: 2 objects');
    expect(log).toContain('bosun backup 20261207-090000-aaaa of prod: 2 objects');
    // The branch holds the newest backup, as files a person can read in a checkout.
    expect(await git(remote, 'show', 'main:prod/shop/configmaps/settings.yaml')).toBe(
      'data:\n  currency: USD',
    );
    expect(await git(remote, 'show', `main:prod/${MANIFEST_FILE}`)).toContain('"20261207-091500-bbbb"');
  });

  it('builds its commit again on the new head when someone pushed to the branch meanwhile', async () => {
    const store = gitStore();
    await backUp(store, 'stage', '20261207-080000-aaaa');
    // A person commits to the branch from their own clone.
    const work = await temp('git-person');
    await git(work, 'clone', '-q', remote, '.');
    await writeFile(join(work, 'README.md'), 'backups of our clusters\n');
    await git(work, 'add', 'README.md');
    await git(work, '-c', 'user.name=x', '-c', 'user.email=x@example.invalid', 'commit', '-qm', 'readme');
    await git(work, 'push', '-q', 'origin', 'main');
    const manifest = await backUp(store, 'stage', '20261207-080500-bbbb');
    expect(await git(remote, 'show', 'main:README.md')).toBe('backups of our clusters');
    expect(await git(remote, 'log', '-1', '--format=%s', 'main')).toBe(
      'bosun backup 20261207-080500-bbbb of stage: 3 objects',
    );
    expect((await store.list('stage')).map((m) => m.id)).toEqual(['20261207-080000-aaaa', manifest.id]);
  });

  it('builds its commit again when the branch moved between its fetch and its push', async () => {
    // A remote whose first push sees someone else's commit land while it is being received.
    const dir = await temp('git-race');
    const raced = join(dir, 'raced.git');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', raced]);
    const other = join(dir, 'other');
    await git(dir, 'clone', '-q', raced, other);
    await git(
      other,
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@example.invalid',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'init',
    );
    await git(other, 'push', '-q', 'origin', 'HEAD:main');
    const hook = join(raced, 'hooks', 'pre-receive');
    await writeFile(
      hook,
      [
        '#!/bin/sh',
        'cat >/dev/null',
        `if [ ! -e "${dir}/raced" ]; then`,
        `  touch "${dir}/raced"`,
        `  (unset GIT_DIR GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES; cd "${other}" && git -c user.name=x -c user.email=x@example.invalid commit -q --allow-empty -m meanwhile && git push -q origin HEAD:main) >&2`,
        'fi',
        'exit 0',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const store = new GitBackupStore({
      repository: raced,
      branch: 'main',
      cacheDir: join(dir, 'cache'),
      authorName: 'bosun',
      authorEmail: 'bosun@example.invalid',
      includeSecretsUnencrypted: false,
    });
    stores.push(store);
    const manifest = await backUp(store, 'prod', '20261207-060000-aaaa');
    expect((await git(raced, 'log', '--format=%s', 'main')).split('\n')).toEqual([
      'bosun backup 20261207-060000-aaaa of prod: 3 objects',
      'meanwhile',
      'init',
    ]);
    expect(await store.list('prod')).toEqual([manifest]);
  });

  it('takes backups of two clusters at once through two stores sharing one clone, both on the branch', async () => {
    const [a, b] = [gitStore(), gitStore()];
    const [one, two] = await Promise.all([
      backUp(a, 'east', '20261207-040000-aaaa'),
      backUp(b, 'west', '20261207-040000-bbbb'),
    ]);
    expect(await a.list('east')).toEqual([one]);
    expect(await a.list('west')).toEqual([two]);
    const tree = await git(remote, 'ls-tree', '--name-only', 'main');
    expect(tree.split('\n')).toEqual(expect.arrayContaining(['east', 'west']));
  });

  it('says why when the remote refuses the push, and lists nothing', async () => {
    const dir = await temp('git-refused');
    const frozen = join(dir, 'frozen.git');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', frozen]);
    await writeFile(
      join(frozen, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "backups are frozen" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    const store = new GitBackupStore({
      repository: frozen,
      branch: 'main',
      cacheDir: join(dir, 'cache'),
      authorName: 'bosun',
      authorEmail: 'bosun@example.invalid',
      includeSecretsUnencrypted: false,
    });
    stores.push(store);
    const error = await backUp(store, 'prod', '20261207-050000-aaaa').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BACKUP_STORE_FAILED',
      message: expect.stringContaining('pre-receive hook declined'),
      hint: 'Check that bosun may push to the repository and branch, then run the backup again.',
    });
    expect(await store.list('prod')).toEqual([]);
  });

  it('sees backups another bosun pushed, and forgets those it deleted', async () => {
    const mine = gitStore();
    const theirs = new GitBackupStore({
      repository: remote,
      branch: 'main',
      cacheDir: await temp('git-cache-2'),
      authorName: 'bosun',
      authorEmail: 'bosun@example.invalid',
      includeSecretsUnencrypted: false,
    });
    stores.push(theirs);
    const manifest = await backUp(theirs, 'edge', '20261207-070000-aaaa');
    expect(await mine.list('edge')).toEqual([manifest]);
    expect(await text(mine.read('edge', manifest.id, 'all-resources.yaml'))).toContain('ConfigMap');
    await theirs.delete('edge', manifest.id);
    expect(await mine.list('edge')).toEqual([]);
  });

  it('refuses unencrypted Secrets unless its config says includeSecretsUnencrypted', () => {
    expect(gitStore().allowsUnencryptedSecrets).toBe(false);
    expect(gitStore({ includeSecretsUnencrypted: true }).allowsUnencryptedSecrets).toBe(true);
  });
});

describe('the S3 store, against s3rver', () => {
  let s3: S3Rig;
  let raw: S3Client;
  const stores: S3BackupStore[] = [];
  const s3Store = (over: Partial<S3StoreOptions> = {}) => {
    const store = new S3BackupStore({
      bucket: s3.bucket,
      prefix: 'team/backups',
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
      checksums: 'when_required',
      includeSecretsUnencrypted: false,
      ...over,
    });
    stores.push(store);
    return store;
  };
  const keys = async (prefix: string) =>
    ((await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? [])
      .map((o) => o.Key)
      .sort();
  beforeAll(async () => {
    s3 = await startS3Rig();
    raw = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
    });
  });
  afterAll(async () => {
    for (const store of stores) store.close();
    raw.destroy();
    await s3.stop();
  });

  storeContract(() => ({
    store: s3Store(),
    corruptManifest: async (cluster, id, body) => {
      await raw.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: `team/backups/${cluster}/${id}/${MANIFEST_FILE}`,
          Body: body,
        }),
      );
    },
  }));

  it('keeps each artifact under <prefix>/<cluster>/<id>/, the manifest among them', async () => {
    await backUp(s3Store({ prefix: '/ops/' }), 'prod', '20261207-090000-aaaa');
    expect(await keys('ops/prod/')).toEqual([
      'ops/prod/20261207-090000-aaaa/_cluster/namespaces/shop.yaml',
      'ops/prod/20261207-090000-aaaa/all-resources.yaml',
      'ops/prod/20261207-090000-aaaa/manifest.json',
      'ops/prod/20261207-090000-aaaa/shop/configmaps/settings.yaml',
    ]);
  });

  it('removes what a killed run uploaded, once abandoned, when the next backup starts', async () => {
    const store = s3Store({ prefix: 'killed' });
    const staged = await store.stage('prod', '20261207-090000-bbbb');
    await writeFile(join(staged.dir, 'all-resources.yaml'), 'kind: ConfigMap\n');
    await staged.upload(['all-resources.yaml']);
    // The worker dies here: no commit, no discard.
    expect(await keys('killed/prod/')).toHaveLength(1);
    expect(await store.list('prod')).toEqual([]);
    const next = s3Store({ prefix: 'killed', abandonedAfterMs: 0 });
    await backUp(next, 'prod', '20261207-091000-cccc');
    expect(
      (await keys('killed/prod/')).every((k) => k?.startsWith('killed/prod/20261207-091000-cccc/')),
    ).toBe(true);
  });

  it('refuses unencrypted Secrets unless its config says includeSecretsUnencrypted', () => {
    expect(s3Store().allowsUnencryptedSecrets).toBe(false);
    expect(s3Store({ includeSecretsUnencrypted: true }).allowsUnencryptedSecrets).toBe(true);
  });

  it('says which bucket failed and what to check when the bucket does not exist', async () => {
    await expect(s3Store({ bucket: 'no-such-bucket' }).list('prod')).rejects.toMatchObject({
      code: 'BACKUP_STORE_FAILED',
      message: expect.stringContaining('s3://no-such-bucket/team/backups'),
    });
  });
});

describe('reading a large file back from Git', () => {
  it('streams it whole, with the reader behind, and answers the files asked after it', async () => {
    const dir = await temp('git-large');
    const remote = join(dir, 'r.git');
    await execa('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    const store = new GitBackupStore({
      repository: remote,
      branch: 'main',
      cacheDir: join(dir, 'cache'),
      authorName: 'bosun',
      authorEmail: 'bosun@example.invalid',
      includeSecretsUnencrypted: false,
    });
    const big = `${'kind: ConfigMap\n'.repeat(400_000)}`;
    await backUp(store, 'prod', '20261207-030000-aaaa', {
      'all-resources.yaml': big,
      'a/b/c.yaml': 'x: 1\n',
    });
    const first = store.read('prod', '20261207-030000-aaaa', 'all-resources.yaml');
    const second = store.read('prod', '20261207-030000-aaaa', 'a/b/c.yaml');
    let bytes = 0;
    for await (const chunk of first) {
      bytes += (chunk as Buffer).length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(bytes).toBe(big.length);
    expect(await text(second)).toBe('x: 1\n');
    store.close();
  });
});
