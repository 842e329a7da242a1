import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { BosunError } from '../ops/errors.js';
import type { BackupManifest } from '../ports/backup-manifest.js';
import type { BackupStore, StagedBackup } from '../ports/backup-store.js';
import { isSafeArtifactPath, MANIFEST_FILE } from './artifact-path.js';
import { isBackupId } from './backup-id.js';
import { GitBlobReader } from './git-blob-reader.js';
import { parseManifest } from './local-store.js';

export interface GitStoreOptions {
  /** A URL git understands or a local path. */
  repository: string;
  branch: string;
  /** A folder inside the repository; backups go under `<path>/<cluster>/`. */
  path?: string;
  /** Where bosun keeps its clone of the repository (a bare one) and its staging. */
  cacheDir?: string;
  authorName: string;
  authorEmail: string;
  includeSecretsUnencrypted: boolean;
}

const PUSH_ATTEMPTS = 5;
const TAG_PREFIX = 'refs/tags/bosun';

/**
 * Backups in a Git repository, so that `git diff` between two backups shows what changed in the cluster: the
 * cluster's backup lives at `<path>/<cluster>/` on the branch, replaced by each backup in one commit
 * (`bosun backup <id> of <cluster>: N objects`), and each backup is also the tag `bosun/<cluster>/<id>`.
 * Listing is the tags; reading a backup reads its tagged commit, never a working tree.
 *
 * Bosun keeps a bare clone in a cache folder and never checks anything out: each backup builds its cluster's
 * tree in an index of its own (from the staged files), and only its commit takes the clone's lock: fetch the
 * branch, put the new tree in place of the cluster's folder on the branch head, commit, push branch and tag
 * atomically. A push refused because the branch moved (another cluster's backup, a person's commit) fetches
 * and builds the commit again on the new head; a cluster's folder is bosun's alone, so this cannot conflict.
 * A later verification's manifest is a commit on top of the backup's, off the branch, and the tag moves to it.
 * Deleting a backup deletes its tag; the branch history keeps what was in it (Git forgets nothing unless its
 * history is rewritten).
 */
export class GitBackupStore implements BackupStore {
  readonly description: string;
  readonly allowsUnencryptedSecrets: boolean;
  private readonly gitDir: string;
  private readonly stagingRoot: string;
  /** An empty folder as the work tree of index-only commands (git wants one; they never touch it). */
  private readonly emptyTree: string;
  private readonly env: Record<string, string>;
  private readonly blobs: GitBlobReader;
  private ready: Promise<void> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: GitStoreOptions) {
    this.description = `git ${options.branch} of ${displayRepository(options.repository)}`;
    this.allowsUnencryptedSecrets = options.includeSecretsUnencrypted;
    const cache =
      options.cacheDir ??
      join(
        tmpdir(),
        `bosun-git-${createHash('sha256').update(`${options.repository}\n${options.branch}`).digest('hex').slice(0, 12)}`,
      );
    this.gitDir = join(cache, 'repo.git');
    this.stagingRoot = join(cache, 'staging');
    this.emptyTree = join(cache, 'empty');
    this.env = {
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
      GIT_AUTHOR_NAME: options.authorName,
      GIT_AUTHOR_EMAIL: options.authorEmail,
      GIT_COMMITTER_NAME: options.authorName,
      GIT_COMMITTER_EMAIL: options.authorEmail,
    };
    this.blobs = new GitBlobReader(this.gitDir, this.env);
  }

  async stage(cluster: string, id: string): Promise<StagedBackup> {
    checkId(id);
    checkCluster(cluster);
    await this.init();
    const root = join(this.stagingRoot, cluster, id);
    // What a killed run of this backup left is started again from nothing; other runs' after an hour.
    await rm(root, { recursive: true, force: true });
    await removeAbandoned(join(this.stagingRoot, cluster), Date.now() - 3_600_000);
    const dir = join(root, 'files');
    await mkdir(dir, { recursive: true });
    const index = join(root, 'index');
    const indexEnv = { ...this.env, GIT_INDEX_FILE: index };
    let tree: string | undefined;
    const reader = new GitBlobReader(this.gitDir, this.env);
    const done = async () => {
      reader.close();
      await rm(root, { recursive: true, force: true });
    };
    return {
      dir,
      upload: async () => {
        // Every file of the staging folder, as the cluster's subtree; the objects are in the clone from here on.
        await this.git(['--work-tree', dir, 'add', '-A', '--', '.'], { env: indexEnv, cwd: dir });
        tree = (await this.git(['write-tree'], { env: indexEnv })).stdout.trim();
      },
      read: (path) => {
        if (!tree) throw new Error('the backup was not uploaded yet');
        return reader.read(`${tree}:${safe(path)}`);
      },
      commit: async (manifest) => {
        await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
        await this.git(['--work-tree', dir, 'add', '--', MANIFEST_FILE], { env: indexEnv, cwd: dir });
        const subtree = (await this.git(['write-tree'], { env: indexEnv })).stdout.trim();
        await this.exclusive(() =>
          this.publish(cluster, id, subtree, `bosun backup ${id} of ${cluster}: ${manifest.objects} objects`),
        );
        await done();
      },
      discard: done,
    };
  }

  async list(cluster: string): Promise<BackupManifest[]> {
    checkCluster(cluster);
    await this.init();
    await this.exclusive(() => this.fetchTags(cluster));
    const refs = (await this.git(['for-each-ref', '--format=%(refname)', `${TAG_PREFIX}/${cluster}/`])).stdout
      .split('\n')
      .filter((r) => r !== '');
    const ids = refs.map((r) => r.slice(`${TAG_PREFIX}/${cluster}/`.length)).filter(isBackupId);
    const manifests: BackupManifest[] = [];
    for (const id of ids.sort()) {
      const manifest = await this.readManifest(cluster, id);
      if (manifest) manifests.push(manifest);
    }
    return manifests;
  }

  async manifest(cluster: string, id: string): Promise<BackupManifest | undefined> {
    if (!isBackupId(id)) return undefined;
    checkCluster(cluster);
    await this.init();
    await this.exclusive(() => this.fetchTags(cluster));
    return await this.readManifest(cluster, id);
  }

  async updateManifest(manifest: BackupManifest): Promise<void> {
    const { cluster, id } = manifest;
    checkId(id);
    checkCluster(cluster);
    await this.init();
    await this.exclusive(async () => {
      const tag = tagRef(cluster, id);
      const commit = await this.revParse(`${tag}^{commit}`);
      if (!commit) throw new Error(`no backup ${cluster}/${id} in the repository`);
      const dir = join(this.stagingRoot, cluster, `${id}.manifest`);
      await mkdir(dir, { recursive: true });
      try {
        const env = { ...this.env, GIT_INDEX_FILE: join(dir, 'index') };
        await this.git(['read-tree', commit], { env, index: true });
        const blob = (
          await this.git(['hash-object', '-w', '--stdin'], {
            input: `${JSON.stringify(manifest, null, 2)}\n`,
          })
        ).stdout.trim();
        await this.git(
          ['update-index', '--add', '--cacheinfo', `100644,${blob},${this.inRepo(cluster, MANIFEST_FILE)}`],
          { env, index: true },
        );
        const tree = (await this.git(['write-tree'], { env })).stdout.trim();
        const next = (
          await this.git([
            'commit-tree',
            tree,
            '-p',
            commit,
            '-m',
            `bosun backup ${id} of ${cluster}: manifest updated (verification ${manifest.verification.state})`,
          ])
        ).stdout.trim();
        await this.git(['push', '--force', 'origin', `${next}:${tag}`]);
        await this.git(['update-ref', tag, next]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  read(cluster: string, id: string, path: string): Readable {
    checkId(id);
    checkCluster(cluster);
    return this.blobs.read(`${tagRef(cluster, id)}:${this.inRepo(cluster, safe(path))}`);
  }

  async delete(cluster: string, id: string): Promise<void> {
    checkId(id);
    checkCluster(cluster);
    await this.init();
    await this.exclusive(async () => {
      const tag = tagRef(cluster, id);
      await this.git(['push', 'origin', `:${tag}`], { reject: false });
      await this.git(['update-ref', '-d', tag], { reject: false });
    });
  }

  /** Ends the reader process (tests; a worker's exit ends it too). */
  close(): void {
    this.blobs.close();
  }

  private async publish(cluster: string, id: string, subtree: string, message: string): Promise<void> {
    const tag = tagRef(cluster, id);
    const folder = this.inRepo(cluster);
    for (let attempt = 1; ; attempt++) {
      const head = await this.fetchBranch();
      const env = { ...this.env, GIT_INDEX_FILE: join(this.stagingRoot, cluster, `${id}.publish-index`) };
      try {
        if (head) await this.git(['read-tree', head], { env, index: true });
        else await this.git(['read-tree', '--empty'], { env, index: true });
        await this.git(['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', folder], {
          env,
          index: true,
        });
        await this.git(['read-tree', `--prefix=${folder}/`, subtree], { env, index: true });
        const tree = (await this.git(['write-tree'], { env })).stdout.trim();
        const commit = (
          await this.git(['commit-tree', tree, ...(head ? ['-p', head] : []), '-m', message])
        ).stdout.trim();
        const pushed = await this.git(
          [
            'push',
            '--atomic',
            '--porcelain',
            'origin',
            `${commit}:refs/heads/${this.options.branch}`,
            `${commit}:${tag}`,
          ],
          { reject: false },
        );
        if (pushed.exitCode === 0) {
          await this.git(['update-ref', `refs/remotes/origin/${this.options.branch}`, commit]);
          await this.git(['update-ref', tag, commit]);
          return;
        }
        const output = `${pushed.stdout}\n${pushed.stderr}`;
        // Moved before our push was seen (non-fast-forward, fetch first) or while it was applied (cannot lock ref).
        const moved = /non-fast-forward|fetch first|stale info|cannot lock ref|but expected/.test(output);
        if (!moved || attempt >= PUSH_ATTEMPTS) {
          throw new BosunError(
            'BACKUP_STORE_FAILED',
            `The backup could not be pushed to ${displayRepository(this.options.repository)} (branch ${this.options.branch}): ${pushRefusal(pushed.stdout, pushed.stderr)}`,
            moved
              ? 'The branch kept moving while bosun pushed; run the backup again.'
              : 'Check that bosun may push to the repository and branch, then run the backup again.',
          );
        }
      } finally {
        await rm(env.GIT_INDEX_FILE, { force: true });
      }
    }
  }

  /** The branch head on the remote, fetched into the clone; undefined while the branch does not exist yet. */
  private async fetchBranch(): Promise<string | undefined> {
    const branch = this.options.branch;
    const fetched = await this.git(
      ['fetch', '-q', 'origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`],
      {
        reject: false,
      },
    );
    if (fetched.exitCode !== 0) {
      if (/couldn't find remote ref/i.test(fetched.stderr)) return undefined;
      throw unreachable(this.options.repository, fetched.stderr);
    }
    return await this.revParse(`refs/remotes/origin/${branch}`);
  }

  /** The cluster's tags as the remote has them: new ones fetched, deleted ones pruned. */
  private async fetchTags(cluster: string): Promise<void> {
    const pattern = `${TAG_PREFIX}/${cluster}/*`;
    const fetched = await this.git(
      ['fetch', '-q', '--prune', '--no-tags', 'origin', `+${pattern}:${pattern}`],
      {
        reject: false,
      },
    );
    if (fetched.exitCode !== 0) throw unreachable(this.options.repository, fetched.stderr);
  }

  private async readManifest(cluster: string, id: string): Promise<BackupManifest | undefined> {
    const spec = `${tagRef(cluster, id)}:${this.inRepo(cluster, MANIFEST_FILE)}`;
    const shown = await this.git(['cat-file', 'blob', spec], { reject: false });
    if (shown.exitCode !== 0) return undefined;
    return parseManifest(shown.stdout, `${cluster}/${id}/${MANIFEST_FILE} (tag bosun/${cluster}/${id})`);
  }

  private async revParse(rev: string): Promise<string | undefined> {
    const parsed = await this.git(['rev-parse', '-q', '--verify', rev], { reject: false });
    return parsed.exitCode === 0 ? parsed.stdout.trim() : undefined;
  }

  /** `<path>/<cluster>/<file>` inside the repository. */
  private inRepo(cluster: string, file?: string): string {
    return [this.options.path?.replace(/^\/+|\/+$/g, ''), cluster, file].filter((p) => p).join('/');
  }

  private async init(): Promise<void> {
    this.ready ??= this.exclusive(async () => {
      if (!existsSync(join(this.gitDir, 'HEAD'))) {
        await mkdir(this.gitDir, { recursive: true });
        await mkdir(this.emptyTree, { recursive: true });
        await this.git(['init', '-q', '--bare']);
      }
      const remote = await this.git(['remote', 'get-url', 'origin'], { reject: false });
      if (remote.exitCode !== 0) await this.git(['remote', 'add', 'origin', this.options.repository]);
      else if (remote.stdout.trim() !== this.options.repository)
        await this.git(['remote', 'set-url', 'origin', this.options.repository]);
    }).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    await this.ready;
  }

  /**
   * One change of the clone's refs at a time: in this process by a queue, across processes sharing the cache
   * folder by a lock file (taken over when the process that holds it is gone).
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(async () => {
      const release = await lockFile(join(this.gitDir, '..', 'bosun.lock'));
      try {
        return await work();
      } finally {
        await release();
      }
    });
    this.chain = run.catch(() => {});
    return run;
  }

  private async git(
    args: string[],
    options: {
      env?: Record<string, string>;
      cwd?: string;
      input?: string;
      reject?: boolean;
      /** An index-only command. */
      index?: boolean;
    } = {},
  ) {
    const result = await execa(
      'git',
      ['--git-dir', this.gitDir, ...(options.index ? ['--work-tree', this.emptyTree] : []), ...args],
      {
        env: options.env ?? this.env,
        cwd: options.cwd,
        input: options.input,
        reject: false,
        stripFinalNewline: false,
      },
    );
    if (result.exitCode !== 0 && options.reject !== false) {
      throw new Error(`git ${args[0]} failed: ${lastLine(result.stderr)}`);
    }
    return result;
  }
}

async function removeAbandoned(dir: string, before: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && info.mtimeMs < before) await rm(path, { recursive: true, force: true });
  }
}

async function lockFile(path: string): Promise<() => Promise<void>> {
  await mkdir(join(path, '..'), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(path).catch(() => {});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (!alive(holder)) {
        await unlink(path).catch(() => {});
        continue;
      }
      if (attempt > 6000) throw new Error(`the git store's lock ${path} is held by process ${holder}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tagRef(cluster: string, id: string): string {
  return `${TAG_PREFIX}/${cluster}/${id}`;
}

function checkId(id: string): void {
  if (!isBackupId(id)) throw new Error(`not a backup id: ${id}`);
}

function checkCluster(cluster: string): void {
  if (!/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i.test(cluster) || cluster.includes('..'))
    throw new Error(`not a cluster name a git store can hold: ${cluster}`);
}

function safe(path: string): string {
  if (!isSafeArtifactPath(path)) throw new Error(`not a path inside a backup: ${path}`);
  return path;
}

/** Why a push was refused: git's porcelain line for the first refused ref, else the remote's error. */
function pushRefusal(stdout: string, stderr: string): string {
  const refused = stdout.split('\n').find((l) => l.startsWith('!'));
  const reason = refused?.split('\t')[2];
  const remote = stderr.split('\n').find((l) => /^(remote: )?(error|fatal):/.test(l.trim()));
  return [reason, remote?.trim()].filter((r) => r).join('; ') || lastLine(stderr);
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines[lines.length - 1] ?? 'no reason given';
}

function unreachable(repository: string, stderr: string): BosunError {
  return new BosunError(
    'BACKUP_STORE_FAILED',
    `The backup repository ${displayRepository(repository)} could not be read: ${lastLine(stderr)}`,
    'Check the repository URL in backups.store and that bosun may fetch from it.',
  );
}

/** A repository URL without credentials someone put in it. */
function displayRepository(repository: string): string {
  return repository.replace(/\/\/[^/@]+@/, '//');
}
