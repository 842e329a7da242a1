import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupStore } from '../../src/backup/backup-stores.js';
import { EncryptedStore } from '../../src/backup/encryption.js';
import { GitBackupStore } from '../../src/backup/git-store.js';
import type { S3BackupStore } from '../../src/backup/s3-store.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { PROD_KUBECONFIG } from '../support/kubeconfig.js';

function configIn(backupsYaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-backups-config-'));
  writeFileSync(join(dir, 'prod.kubeconfig'), PROD_KUBECONFIG);
  const file = join(dir, 'bosun.yaml');
  writeFileSync(
    file,
    `clusters:\n  - { name: prod, kubeconfig: prod.kubeconfig, channels: [C0OPS] }\nbackups:\n${backupsYaml}`,
  );
  return { dir, file };
}
const env = (file: string) => ({ BOSUN_CONFIG: file, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('the backups configuration', () => {
  it('takes a Git store with defaults, its relative repository and key file from the config file folder', () => {
    const { dir, file } = configIn(`
  store: { type: git, repository: ./backups.git, path: clusters }
  encryption: { keyFile: keys/backup.key, keyId: backups-2026 }
`);
    const config = loadConfig({ env: env(file) });
    expect(config.backups).toEqual({
      drill: true,
      store: {
        type: 'git',
        repository: join(dir, 'backups.git'),
        branch: 'main',
        path: 'clusters',
        authorName: 'bosun',
        authorEmail: 'bosun@localhost',
        includeSecretsUnencrypted: false,
      },
      encryption: { keyFile: join(dir, 'keys/backup.key'), keyId: 'backups-2026' },
    });
  });

  it('keeps a Git URL as written', () => {
    const { file } = configIn(`
  store: { type: git, repository: 'ssh://git@git.example.invalid/ops/backups.git', branch: backups }
`);
    expect(loadConfig({ env: env(file) }).backups.store).toMatchObject({
      repository: 'ssh://git@git.example.invalid/ops/backups.git',
      branch: 'backups',
    });
  });

  it('takes an S3 store with defaults', () => {
    const { file } = configIn(`
  store: { type: s3, bucket: ops-backups, endpoint: 'http://127.0.0.1:9000', forcePathStyle: true }
`);
    expect(loadConfig({ env: env(file) }).backups.store).toEqual({
      type: 's3',
      bucket: 'ops-backups',
      prefix: '',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      checksums: 'when_required',
      includeSecretsUnencrypted: false,
    });
  });

  it('refuses a secret key in the file, an encryption without one key source, and bad names, all at once', () => {
    const { file } = configIn(`
  store: { type: s3, bucket: Ops_Backups, prefix: '../x', secretAccessKey: abc }
  encryption: { keyId: 'has spaces' }
`);
    const problems = problemsOf(() => loadConfig({ env: env(file) }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'backups.store.secretAccessKey: is not read from the config file: put it in an environment variable (secretAccessKeyEnv) or a file (secretAccessKeyFile)',
        'backups.store.bucket: must be an S3 bucket name',
        expect.stringMatching(/^backups\.store\.prefix: /),
        'backups.encryption.keyId: must be a short name like `backups-2026`',
      ]),
    );
    const { file: both } = configIn(`
  encryption: { keyId: k, keyFile: a.key, keyEnv: BOSUN_BACKUP_KEY }
`);
    expect(problemsOf(() => loadConfig({ env: env(both) }))).toEqual([
      'backups.encryption: needs exactly one of keyFile (a file holding the key) or keyEnv (a variable holding it)',
    ]);
  });

  it('refuses a store type it does not know, naming the ones it does', () => {
    const { file } = configIn(`
  store: { type: ftp }
`);
    const problems = problemsOf(() => loadConfig({ env: env(file) }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^backups\.store\.type: .*local.*git.*s3/);
  });
});

describe('the store the configuration builds', () => {
  it('is the Git or S3 store, encrypted when a key is configured', () => {
    const git = backupStore({
      store: {
        type: 'git',
        repository: 'https://user:pw@git.example.invalid/backups.git',
        branch: 'main',
        authorName: 'bosun',
        authorEmail: 'bosun@localhost',
        includeSecretsUnencrypted: false,
      },
    });
    expect(git).toBeInstanceOf(GitBackupStore);
    // Credentials in a URL never reach a message.
    expect(git.description).toBe('git main of https://git.example.invalid/backups.git');
    const key = randomBytes(32).toString('base64');
    const encrypted = backupStore(
      {
        store: {
          type: 's3',
          bucket: 'ops-backups',
          prefix: 'prod',
          region: 'eu-west-1',
          forcePathStyle: false,
          checksums: 'when_required',
          includeSecretsUnencrypted: false,
          accessKeyIdEnv: 'OPS_S3_ID',
          secretAccessKeyEnv: 'OPS_S3_SECRET',
        },
        encryption: { keyEnv: 'BOSUN_BACKUP_KEY', keyId: 'k1' },
      },
      { BOSUN_BACKUP_KEY: key, OPS_S3_ID: 'id', OPS_S3_SECRET: 'secret' },
    );
    expect(encrypted).toBeInstanceOf(EncryptedStore);
    expect(encrypted.description).toBe('s3://ops-backups/prod, encrypted with key k1');
    expect(encrypted.allowsUnencryptedSecrets).toBe(true);
    (encrypted as unknown as { inner: S3BackupStore }).inner.close();
  });

  it('says which S3 credential is missing', () => {
    expect(() =>
      backupStore(
        {
          store: {
            type: 's3',
            bucket: 'ops-backups',
            prefix: '',
            region: 'us-east-1',
            forcePathStyle: false,
            checksums: 'when_required',
            includeSecretsUnencrypted: false,
            secretAccessKeyEnv: 'OPS_S3_SECRET',
          },
        },
        { AWS_ACCESS_KEY_ID: 'id' },
      ),
    ).toThrow('the variable OPS_S3_SECRET holding the secret key is not set');
  });
});
