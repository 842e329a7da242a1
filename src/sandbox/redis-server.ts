import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway `redis-server` child: loopback only, nothing persisted, its own temp dir. */
export interface LocalRedis {
  url: string;
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

export class RedisServerMissingError extends Error {
  constructor() {
    super(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, ' +
        'macOS: `brew install redis`) or set REDIS_URL to a Redis you already run.',
    );
    this.name = 'RedisServerMissingError';
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function canConnect(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `redis-server` from PATH on a free loopback port. `maxmemory-policy noeviction` is what BullMQ needs;
 * it is Redis's default, set here so a distribution's changed default cannot bite.
 */
export async function startLocalRedis(
  options: { binary?: string; detached?: boolean } = {},
): Promise<LocalRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-redis-'));
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      options.binary ?? 'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--maxmemory-policy',
        'noeviction',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: options.detached ?? false },
    );
    // Read stderr as it comes (kept for error messages): an unread pipe would keep the process's handles open.
    let stderrTail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-2000);
    });
    // 'close' (not 'exit') once stdio is closed too, so nothing of the child is left behind.
    const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
      child.once('close', (code) => resolve({ code }));
    });
    const started = Date.now();
    let ready = false;
    let early: { code: number | null; error?: NodeJS.ErrnoException } | undefined;
    void exited.then((result) => {
      early = result;
    });
    while (!ready && !early && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 25));
      ready = await canConnect(port);
    }
    if (early?.error?.code === 'ENOENT') {
      await rm(dir, { recursive: true, force: true });
      throw new RedisServerMissingError();
    }
    if (!ready) {
      child.kill('SIGKILL');
      await exited;
      if (early && !/Address already in use/i.test(stderrTail)) {
        await rm(dir, { recursive: true, force: true });
        throw new Error(`redis-server exited with code ${early.code}: ${stderrTail.trim() || '(no output)'}`);
      }
      continue; // port taken between probe and bind, most likely: try another
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      pid: child.pid,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error('redis-server did not start on any of 5 free ports');
}
