import type { BackupsConfig } from '../config/schema.js';
import type { BackupStore } from '../ports/backup-store.js';
import { LocalBackupStore } from './local-store.js';

/** The store the config names. */
export function backupStore(config: BackupsConfig): BackupStore {
  switch (config.store.type) {
    case 'local':
      return new LocalBackupStore(config.store.path);
  }
}
