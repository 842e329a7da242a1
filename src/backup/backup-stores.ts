import { readFileSync } from 'node:fs';
import type { BackupsConfig } from '../config/schema.js';
import { BosunError } from '../ops/errors.js';
import type { BackupStore } from '../ports/backup-store.js';
import { EncryptedStore, loadEncryptionKey } from './encryption.js';
import { GitBackupStore } from './git-store.js';
import { LocalBackupStore } from './local-store.js';
import { S3BackupStore } from './s3-store.js';

/** The store the config names, encrypted when `backups.encryption` is set. */
export function backupStore(
  config: Pick<BackupsConfig, 'store' | 'encryption'>,
  env: NodeJS.ProcessEnv = process.env,
): BackupStore {
  const store = plainStore(config.store, env);
  return config.encryption ? new EncryptedStore(store, loadEncryptionKey(config.encryption, env)) : store;
}

function plainStore(store: BackupsConfig['store'], env: NodeJS.ProcessEnv): BackupStore {
  switch (store.type) {
    case 'local':
      return new LocalBackupStore(store.path);
    case 'git':
      return new GitBackupStore(store);
    case 's3':
      return new S3BackupStore({ ...store, credentials: s3Credentials(store, env) });
  }
}

type S3Config = Extract<BackupsConfig['store'], { type: 's3' }>;

/**
 * Keys the config names (an id, a variable, a file); none named: the SDK's own chain (AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, profiles, instance roles). The secret never comes from the config file.
 */
function s3Credentials(
  store: S3Config,
  env: NodeJS.ProcessEnv,
): { accessKeyId: string; secretAccessKey: string } | undefined {
  if (!store.accessKeyId && !store.accessKeyIdEnv && !store.secretAccessKeyEnv && !store.secretAccessKeyFile)
    return undefined;
  const idVariable = store.accessKeyIdEnv ?? 'AWS_ACCESS_KEY_ID';
  const accessKeyId = store.accessKeyId ?? env[idVariable];
  if (!accessKeyId)
    throw missing(`the access key id (accessKeyId, or the variable ${idVariable}) is not set`);
  let secretAccessKey: string | undefined;
  if (store.secretAccessKeyFile) {
    try {
      secretAccessKey = readFileSync(store.secretAccessKeyFile, 'utf8').trim();
    } catch (error) {
      throw missing(
        `the secret key file ${store.secretAccessKeyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  } else {
    const variable = store.secretAccessKeyEnv ?? 'AWS_SECRET_ACCESS_KEY';
    secretAccessKey = env[variable];
    if (!secretAccessKey) throw missing(`the variable ${variable} holding the secret key is not set`);
  }
  if (!secretAccessKey) throw missing('the secret key is empty');
  return { accessKeyId, secretAccessKey };
}

function missing(what: string): BosunError {
  return new BosunError(
    'BACKUP_STORE_CREDENTIALS',
    `The S3 backup store's credentials are incomplete: ${what}.`,
    'Set them as backups.store in bosun.yaml describes (README, Backups).',
  );
}
