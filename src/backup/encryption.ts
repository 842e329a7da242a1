import { createCipheriv, createDecipheriv, type DecipherGCM, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BosunError } from '../ops/errors.js';
import type { BackupEncryption, BackupManifest } from '../ports/backup-manifest.js';
import type { BackupStore, StagedBackup } from '../ports/backup-store.js';

export const ALGORITHM = 'AES-256-GCM';
const MAGIC = Buffer.from('BOSUNENC', 'ascii');
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface EncryptionKey {
  keyId: string;
  key: Buffer;
}

/**
 * The key from `backups.encryption`: a file or an environment variable holding 32 bytes, raw (a file only),
 * as 64 hex digits or as base64 (`openssl rand -base64 32`). Whatever is wrong is said without the key.
 */
export function loadEncryptionKey(
  config: { keyFile?: string; keyEnv?: string; keyId: string },
  env: NodeJS.ProcessEnv = process.env,
): EncryptionKey {
  const where = config.keyFile
    ? `the key file ${config.keyFile}`
    : `the environment variable ${config.keyEnv}`;
  let bytes: Buffer;
  if (config.keyFile) {
    try {
      bytes = readFileSync(config.keyFile);
    } catch (error) {
      throw invalidKey(`${where} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    const value = config.keyEnv ? env[config.keyEnv] : undefined;
    if (!value) throw invalidKey(`${where} is not set`);
    bytes = Buffer.from(value, 'utf8');
  }
  if (bytes.length === 32 && config.keyFile) return { keyId: config.keyId, key: bytes };
  const text = bytes.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return { keyId: config.keyId, key: Buffer.from(text, 'hex') };
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return { keyId: config.keyId, key: Buffer.from(text, 'base64') };
  throw invalidKey(`${where} does not hold a 32-byte key (raw, 64 hex digits or base64)`);
}

function invalidKey(what: string): BosunError {
  return new BosunError(
    'BACKUP_KEY_INVALID',
    `Backups are configured to be encrypted, but ${what}.`,
    'Make a key with `openssl rand -base64 32` and point backups.encryption.keyFile or keyEnv at it.',
  );
}

/**
 * Encryption at rest around any store: each artifact is encrypted with AES-256-GCM (a random 96-bit IV per
 * file, the 128-bit tag at its end) before the store takes it, and decrypted as it is read, so the runner,
 * verification and restore see plaintext and need not know. A file is `BOSUNENC`, a version byte, the key id
 * (its length, then its bytes), the IV, the ciphertext and the tag; the header and the artifact's path are
 * authenticated too, so a file moved to another path does not decrypt. The manifest stays readable (it names
 * files, counts and checksums, never content) and says `encryption: { algorithm, keyId }`; its checksums are of
 * the plaintext, so `sha256sum -c` works on a decrypted copy and verification compares what a restore would
 * apply. Decryption streams: a reader sees plaintext before the tag is checked at the end, and a wrong tag
 * fails the stream there, so a changed file never verifies. A file without the header is read as it is (a
 * backup taken before encryption was turned on).
 */
export class EncryptedStore implements BackupStore {
  readonly description: string;
  readonly allowsUnencryptedSecrets = true;
  readonly encryption: BackupEncryption;

  constructor(
    private readonly inner: BackupStore,
    private readonly key: EncryptionKey,
  ) {
    if (key.key.length !== 32) throw invalidKey(`the key ${key.keyId} is ${key.key.length} bytes, not 32`);
    if (!KEY_ID.test(key.keyId)) throw new Error(`not a key id: ${key.keyId}`);
    this.description = `${inner.description}, encrypted with key ${key.keyId}`;
    this.encryption = { algorithm: ALGORITHM, keyId: key.keyId };
  }

  async stage(cluster: string, id: string): Promise<StagedBackup> {
    const staged = await this.inner.stage(cluster, id);
    // The runner writes plaintext here (a private temp folder); each file is removed once encrypted.
    const dir = await mkdtemp(join(tmpdir(), 'bosun-plain-'));
    return {
      dir,
      upload: async (paths) => {
        const queue = [...paths];
        const made = new Set<string>();
        const worker = async () => {
          for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
            const target = join(staged.dir, path);
            if (!made.has(dirname(target))) {
              await mkdir(dirname(target), { recursive: true });
              made.add(dirname(target));
            }
            await encryptFile(join(dir, path), target, this.key, path);
            await rm(join(dir, path));
          }
        };
        await Promise.all(Array.from({ length: 4 }, worker));
        await staged.upload(paths);
      },
      read: (path) => decrypting(staged.read(path), this.key, path),
      commit: async (manifest) => {
        await staged.commit(this.stamped(manifest));
        await rm(dir, { recursive: true, force: true });
      },
      discard: async () => {
        await rm(dir, { recursive: true, force: true });
        await staged.discard();
      },
    };
  }

  list(cluster: string): Promise<BackupManifest[]> {
    return this.inner.list(cluster);
  }

  manifest(cluster: string, id: string): Promise<BackupManifest | undefined> {
    return this.inner.manifest(cluster, id);
  }

  updateManifest(manifest: BackupManifest): Promise<void> {
    return this.inner.updateManifest(manifest);
  }

  read(cluster: string, id: string, path: string): Readable {
    return decrypting(this.inner.read(cluster, id, path), this.key, path);
  }

  delete(cluster: string, id: string): Promise<void> {
    return this.inner.delete(cluster, id);
  }

  private stamped(manifest: BackupManifest): BackupManifest {
    return { ...manifest, encryption: this.encryption };
  }
}

function header(keyId: string, iv: Buffer): Buffer {
  const id = Buffer.from(keyId, 'utf8');
  return Buffer.concat([MAGIC, Buffer.from([VERSION, id.length]), id, iv]);
}

export async function encryptFile(
  source: string,
  target: string,
  key: EncryptionKey,
  path: string,
): Promise<void> {
  const iv = randomBytes(IV_BYTES);
  const head = header(key.keyId, iv);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([head, Buffer.from(path, 'utf8')]));
  await pipeline(
    createReadStream(source),
    async function* (plain: AsyncIterable<Buffer>) {
      yield head;
      for await (const chunk of plain) {
        const out = cipher.update(chunk);
        if (out.length > 0) yield out;
      }
      const last = cipher.final();
      if (last.length > 0) yield last;
      yield cipher.getAuthTag();
    },
    createWriteStream(target, { mode: 0o600 }),
  );
}

/** The plaintext of an artifact as it streams in; errors of the source (a missing file) pass through as they are. */
export function decrypting(source: Readable, key: EncryptionKey, path: string): Readable {
  return Readable.from(decrypt(source, key, path), { objectMode: false });
}

async function* decrypt(
  source: AsyncIterable<Buffer>,
  key: EncryptionKey,
  path: string,
): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  let tail = Buffer.alloc(0);
  let plain = false;
  for await (const piece of source) {
    let chunk = piece;
    if (plain) {
      yield chunk;
      continue;
    }
    if (!decipher) {
      head = Buffer.concat([head, chunk]);
      if (head.length < MAGIC.length + 2) {
        if (!startsLikeMagic(head)) {
          plain = true;
          yield head;
        }
        continue;
      }
      if (!head.subarray(0, MAGIC.length).equals(MAGIC)) {
        plain = true;
        yield head;
        continue;
      }
      const idLength = head[MAGIC.length + 1] ?? 0;
      const size = MAGIC.length + 2 + idLength + IV_BYTES;
      if (head.length < size) continue;
      if (head[MAGIC.length] !== VERSION)
        throw corrupt(path, `is encrypted in an unknown format (${head[MAGIC.length]})`);
      const fileKeyId = head.subarray(MAGIC.length + 2, MAGIC.length + 2 + idLength).toString('utf8');
      if (fileKeyId !== key.keyId) {
        throw new BosunError(
          'BACKUP_KEY_MISMATCH',
          `The backup was encrypted with key ${fileKeyId}; the configured key ${key.keyId} does not decrypt it (${path}).`,
          `Configure backups.encryption with key ${fileKeyId} (keyFile or keyEnv, keyId: ${fileKeyId}) to read this backup.`,
        );
      }
      decipher = createDecipheriv('aes-256-gcm', key.key, head.subarray(size - IV_BYTES, size), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.concat([head.subarray(0, size), Buffer.from(path, 'utf8')]));
      chunk = head.subarray(size);
    }
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > TAG_BYTES) {
      const out = decipher.update(tail.subarray(0, tail.length - TAG_BYTES));
      tail = tail.subarray(tail.length - TAG_BYTES);
      if (out.length > 0) yield out;
    }
  }
  if (plain) return;
  if (!decipher) {
    // Shorter than any header: a small file written before encryption was on.
    if (head.length > 0 && !startsLikeMagic(head)) yield head;
    else if (head.length > 0) throw corrupt(path, 'ends inside its encryption header');
    return;
  }
  if (tail.length < TAG_BYTES) throw corrupt(path, 'ends before its authentication tag');
  decipher.setAuthTag(tail);
  let last: Buffer;
  try {
    last = decipher.final();
  } catch {
    throw new BosunError(
      'BACKUP_DECRYPT_FAILED',
      `${path} was encrypted with key ${key.keyId}, but the configured key ${key.keyId} does not decrypt it: the key is not the one it was written with, or the file was changed after it was written.`,
      'Check the key file or variable behind backups.encryption; if the key is right, the backup was tampered with: take a new one.',
    );
  }
  if (last.length > 0) yield last;
}

function startsLikeMagic(head: Buffer): boolean {
  const n = Math.min(head.length, MAGIC.length);
  return head.subarray(0, n).equals(MAGIC.subarray(0, n));
}

function corrupt(path: string, what: string): BosunError {
  return new BosunError(
    'BACKUP_CORRUPT',
    `${path} ${what}.`,
    'The backup cannot be trusted; take a new one.',
  );
}
