import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../src/backup/artifact-path.js';
import { EncryptedStore, type EncryptionKey, loadEncryptionKey } from '../../src/backup/encryption.js';
import { LocalBackupStore } from '../../src/backup/local-store.js';
import { S3BackupStore } from '../../src/backup/s3-store.js';
import { type S3Rig, startS3Rig } from '../support/s3.js';
import { backUp, storeContract, text } from './store-contract.js';

const SETTINGS = 'shop/configmaps/settings.yaml';
const FILES = {
  [SETTINGS]: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  password: hunter2-plaintext\n',
  'all-resources.yaml': `---\n${'kind: ConfigMap\n'.repeat(20_000)}`,
};
const key = (keyId: string, bytes = randomBytes(32)): EncryptionKey => ({ keyId, key: bytes });

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bosun-encrypted-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('an encrypted local store', () => {
  storeContract(() => ({
    store: new EncryptedStore(new LocalBackupStore(join(root, 'contract')), key('k-contract')),
    corruptManifest: async (cluster, id, body) => {
      await writeFile(join(root, 'contract', cluster, id, MANIFEST_FILE), body);
    },
  }));

  const k1 = key('backups-2026');
  const local = () => new LocalBackupStore(join(root, 'plain'));

  it('reads back the plaintext with the right key; the files on disk are not plaintext; the manifest names the key', async () => {
    const store = new EncryptedStore(local(), k1);
    const id = '20261207-100000-aaaa';
    await backUp(store, 'prod', id, FILES);
    expect(await text(store.read('prod', id, SETTINGS))).toBe(FILES[SETTINGS]);
    expect(await text(store.read('prod', id, 'all-resources.yaml'))).toBe(FILES['all-resources.yaml']);
    const onDisk = await readFile(join(root, 'plain', 'prod', id, SETTINGS));
    expect(onDisk.subarray(0, 8).toString()).toBe('BOSUNENC');
    expect(onDisk.toString('latin1')).not.toContain('hunter2');
    expect(onDisk.toString('latin1')).not.toContain('ConfigMap');
    expect((await store.manifest('prod', id))?.encryption).toEqual({
      algorithm: 'AES-256-GCM',
      keyId: 'backups-2026',
    });
    // The same plaintext encrypts differently each time (a random IV per file).
    await backUp(store, 'prod', '20261207-100001-aaaa', FILES);
    const again = await readFile(join(root, 'plain', 'prod', '20261207-100001-aaaa', SETTINGS));
    expect(again.equals(onDisk)).toBe(false);
  });

  it('says which key a backup needs when another key is configured', async () => {
    const id = '20261207-110000-bbbb';
    await backUp(new EncryptedStore(local(), k1), 'prod', id, FILES);
    const other = new EncryptedStore(local(), key('backups-2027'));
    await expect(text(other.read('prod', id, SETTINGS))).rejects.toMatchObject({
      code: 'BACKUP_KEY_MISMATCH',
      message: `The backup was encrypted with key backups-2026; the configured key backups-2027 does not decrypt it (${SETTINGS}).`,
    });
  });

  it('refuses a key of the same id but other bytes, and a file changed after it was written', async () => {
    const id = '20261207-120000-cccc';
    const store = new EncryptedStore(local(), k1);
    await backUp(store, 'prod', id, FILES);
    const impostor = new EncryptedStore(local(), key('backups-2026'));
    await expect(text(impostor.read('prod', id, SETTINGS))).rejects.toMatchObject({
      code: 'BACKUP_DECRYPT_FAILED',
      message: expect.stringContaining('the configured key backups-2026 does not decrypt it'),
    });
    const file = join(root, 'plain', 'prod', id, 'all-resources.yaml');
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)] = (bytes[Math.floor(bytes.length / 2)] ?? 0) ^ 1;
    await writeFile(file, bytes);
    await expect(text(store.read('prod', id, 'all-resources.yaml'))).rejects.toMatchObject({
      code: 'BACKUP_DECRYPT_FAILED',
    });
    // A file put in another's place does not decrypt either: its path is authenticated.
    await rename(join(root, 'plain', 'prod', id, SETTINGS), join(root, 'plain', 'prod', id, 'other.yaml'));
    await expect(text(store.read('prod', id, 'other.yaml'))).rejects.toMatchObject({
      code: 'BACKUP_DECRYPT_FAILED',
    });
  });

  it('still reads a backup taken before encryption was turned on', async () => {
    const id = '20261207-130000-dddd';
    await backUp(local(), 'prod', id, FILES);
    expect(await text(new EncryptedStore(local(), k1).read('prod', id, SETTINGS))).toBe(FILES[SETTINGS]);
  });
});

describe('an encrypted S3 store', () => {
  let s3: S3Rig;
  let inner: S3BackupStore;
  beforeAll(async () => {
    s3 = await startS3Rig();
    inner = new S3BackupStore({
      bucket: s3.bucket,
      prefix: 'enc',
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: s3.credentials,
      checksums: 'when_required',
      includeSecretsUnencrypted: false,
    });
  });
  afterAll(async () => {
    inner.close();
    await s3.stop();
  });

  it('keeps ciphertext in the bucket and allows Secrets, which the bare bucket does not', async () => {
    const store = new EncryptedStore(inner, key('s3-key'));
    expect(inner.allowsUnencryptedSecrets).toBe(false);
    expect(store.allowsUnencryptedSecrets).toBe(true);
    expect(store.description).toBe(`s3://${s3.bucket}/enc, encrypted with key s3-key`);
    const id = '20261207-140000-eeee';
    await backUp(store, 'prod', id, FILES);
    const stored = await text(inner.read('prod', id, SETTINGS));
    expect(stored.startsWith('BOSUNENC')).toBe(true);
    expect(stored).not.toContain('hunter2');
    expect(await text(store.read('prod', id, SETTINGS))).toBe(FILES[SETTINGS]);
  });
});

describe('the encryption key', () => {
  const hex = randomBytes(32);
  it('is read raw from a file, or as hex or base64 from a file or a variable', async () => {
    const raw = join(root, 'raw.key');
    await writeFile(raw, hex);
    expect(loadEncryptionKey({ keyFile: raw, keyId: 'a' }).key.equals(hex)).toBe(true);
    const b64 = join(root, 'b64.key');
    await writeFile(b64, `${hex.toString('base64')}\n`);
    expect(loadEncryptionKey({ keyFile: b64, keyId: 'a' }).key.equals(hex)).toBe(true);
    expect(
      loadEncryptionKey({ keyEnv: 'BOSUN_KEY', keyId: 'a' }, { BOSUN_KEY: hex.toString('hex') }).key.equals(
        hex,
      ),
    ).toBe(true);
  });

  it('is refused, without being shown, when missing or not 32 bytes', async () => {
    expect(() => loadEncryptionKey({ keyEnv: 'BOSUN_KEY', keyId: 'a' }, {})).toThrow(
      'the environment variable BOSUN_KEY is not set',
    );
    const short = randomBytes(16).toString('hex');
    let message = '';
    try {
      loadEncryptionKey({ keyEnv: 'BOSUN_KEY', keyId: 'a' }, { BOSUN_KEY: short });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('does not hold a 32-byte key');
    expect(message).not.toContain(short);
    expect(() => loadEncryptionKey({ keyFile: join(root, 'nope.key'), keyId: 'a' })).toThrow(
      'cannot be read',
    );
  });
});
