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

/** What every throwaway redis-server runs with: nothing persisted, BullMQ's eviction policy, quiet logs. */
export const EPHEMERAL_ARGS = [
  '--save',
  '',
  '--appendonly',
  'no',
  '--maxmemory-policy',
  'noeviction',
  '--loglevel',
  'warning',
];

/** Something accepts TCP connections on the loopback `port`. */
export async function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = createConnection({ host, port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Nothing listens on `port` and this process may bind it (the rigs check a Cluster's bus port with it). */
export async function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A `redis-server` child process (plain, Cluster node or Sentinel) that accepts connections on its port. */
export interface RedisProcess {
  port: number;
  pid: number | undefined;
  /** SIGTERM, then SIGKILL after 3 s; resolves once the process and its stdio have closed. */
  stop(): Promise<void>;
}

/** The port was taken between choosing it and redis-server binding it: choose another. */
export class RedisPortTakenError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} was taken before redis-server could bind it`);
    this.name = 'RedisPortTakenError';
  }
}

/**
 * Spawns `redis-server args…` (from PATH unless `binary`) and waits, at most `readyTimeoutMs`, until it accepts
 * connections on `port`. Throws RedisServerMissingError without redis-server, RedisPortTakenError when the port
 * was taken, and an error with the tail of its stderr when it exited or never answered.
 */
export async function spawnRedisServer(options: {
  args: string[];
  port: number;
  binary?: string;
  detached?: boolean;
  readyTimeoutMs?: number;
}): Promise<RedisProcess> {
  const { port } = options;
  const child: ChildProcess = spawn(options.binary ?? 'redis-server', options.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  // Read its output as it comes (kept for error messages): an unread pipe would keep the process's handles open.
  let outputTail = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      outputTail = (outputTail + chunk).slice(-2000);
    });
  }
  // 'close' (not 'exit') once stdio is closed too, so nothing of the child is left behind.
  const exited = new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  const started = Date.now();
  const timeoutMs = options.readyTimeoutMs ?? 10_000;
  let ready = false;
  let early: { code: number | null; error?: NodeJS.ErrnoException } | undefined;
  void exited.then((result) => {
    early = result;
  });
  while (!ready && !early && Date.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 25));
    ready = await canConnect(port);
  }
  if (early?.error?.code === 'ENOENT') throw new RedisServerMissingError();
  if (!ready) {
    child.kill('SIGKILL');
    await exited;
    if (early && /Address already in use/i.test(outputTail)) throw new RedisPortTakenError(port);
    throw new Error(
      early
        ? `redis-server exited with code ${early.code}: ${outputTail.trim() || '(no output)'}`
        : `redis-server did not accept connections on port ${port} within ${timeoutMs} ms: ${outputTail.trim() || '(no output)'}`,
    );
  }
  return {
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Starts `redis-server` from PATH on a free loopback port. `maxmemory-policy noeviction` is what BullMQ needs;
 * it is Redis's default, set here so a distribution's changed default cannot bite.
 */
export async function startLocalRedis(
  options: { binary?: string; detached?: boolean } = {},
): Promise<LocalRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-redis-'));
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      let server: RedisProcess;
      try {
        server = await spawnRedisServer({
          ...options,
          port,
          args: ['--bind', '127.0.0.1', '--port', String(port), ...EPHEMERAL_ARGS, '--dir', dir],
        });
      } catch (error) {
        if (error instanceof RedisPortTakenError) continue; // taken between probe and bind: try another
        throw error;
      }
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        pid: server.pid,
        async stop() {
          await server.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    throw new Error('redis-server did not start on any of 5 free ports');
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
