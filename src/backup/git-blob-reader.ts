import { PassThrough, type Readable, type Writable } from 'node:stream';
import { execa } from 'execa';

interface Pending {
  spec: string;
  out: PassThrough;
}

/**
 * Reads blobs out of a Git repository through one long-lived `git cat-file --batch`, so checking 50,000 object
 * files back costs one process, not 50,000. Requests are answered in order; each answer is a stream that is fed
 * as git prints it (a large file is not held in memory: git's output is paused while its reader is behind). A
 * blob git does not have ends its stream with an `ENOENT` error, as a missing local file does. The process ends
 * after a moment without requests.
 */
export class GitBlobReader {
  private child: { stdin: Writable } | undefined;
  private readonly queue: Pending[] = [];
  private header = Buffer.alloc(0);
  private remaining = -1;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly gitDir: string,
    private readonly env: Record<string, string>,
    private readonly idleMs = 500,
  ) {}

  /** `rev:path`, e.g. `refs/tags/bosun/prod/<id>:prod/manifest.json`. */
  read(spec: string): Readable {
    const out = new PassThrough();
    if (spec.includes('\n')) {
      queueMicrotask(() => out.destroy(missing(spec)));
      return out;
    }
    this.queue.push({ spec, out });
    this.ensure().stdin.write(`${spec}\n`);
    this.touch();
    return out;
  }

  close(): void {
    clearTimeout(this.idle);
    this.child?.stdin.end();
    this.child = undefined;
  }

  private touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      if (this.queue.length === 0) this.close();
      else this.touch();
    }, this.idleMs);
    this.idle.unref();
  }

  private ensure(): { stdin: Writable } {
    if (this.child) return this.child;
    const child = execa('git', ['--git-dir', this.gitDir, 'cat-file', '--batch'], {
      buffer: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'ignore',
      env: this.env,
      reject: false,
    });
    this.child = child;
    this.header = Buffer.alloc(0);
    this.remaining = -1;
    child.stdout.on('data', (chunk: Buffer) => this.feed(chunk, child.stdout));
    void child.then(() => {
      // Whatever was still asked of a process that ended gets an error rather than a stream that never ends.
      if (this.child === child) this.child = undefined;
      for (const pending of this.queue.splice(0)) pending.out.destroy(new Error('git cat-file ended early'));
    });
    return child;
  }

  private feed(chunk: Buffer, stdout: Readable): void {
    let data = chunk;
    while (data.length > 0) {
      const current = this.queue[0];
      if (!current) return;
      if (this.remaining < 0) {
        const newline = data.indexOf(10);
        if (newline < 0) {
          this.header = Buffer.concat([this.header, data]);
          return;
        }
        const line = Buffer.concat([this.header, data.subarray(0, newline)]).toString('utf8');
        this.header = Buffer.alloc(0);
        data = data.subarray(newline + 1);
        const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(line);
        if (match?.[1] !== 'blob' || !match[2]) {
          this.queue.shift();
          current.out.destroy(missing(current.spec));
          continue;
        }
        // The content, then one newline.
        this.remaining = Number(match[2]) + 1;
        continue;
      }
      const take = Math.min(this.remaining, data.length);
      const content = data.subarray(0, Math.min(take, this.remaining - 1));
      this.remaining -= take;
      data = data.subarray(take);
      if (content.length > 0 && !current.out.destroyed && !current.out.write(content)) {
        stdout.pause();
        const resume = () => {
          current.out.off('drain', resume);
          current.out.off('close', resume);
          stdout.resume();
        };
        current.out.on('drain', resume);
        current.out.on('close', resume);
      }
      if (this.remaining === 0) {
        this.remaining = -1;
        this.queue.shift();
        current.out.end();
      }
    }
  }
}

function missing(spec: string): Error {
  return Object.assign(new Error(`${spec} is not in the repository`), { code: 'ENOENT' });
}
