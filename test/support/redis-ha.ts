import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import type { RedisEndpoint } from '../../src/queue/connection.js';
import {
  EPHEMERAL_ARGS,
  portIsFree,
  RedisPortTakenError,
  type RedisProcess,
  spawnRedisServer,
} from '../../src/sandbox/redis-server.js';

/** A Redis Cluster or Sentinel set-up of throwaway redis-server processes on loopback, in a temp dir. */
export interface RedisHaRig {
  /** The `redis` config section (without prefix) that reaches it. */
  endpoint: RedisEndpoint;
  /** Every process's port (Cluster masters; or master, replica, sentinel). */
  ports: number[];
  /** Stops every process and removes the temp dir. */
  close(): Promise<void>;
}

/** Cluster nodes talk on a bus port, 10000 above their own; both must be free and below 65536. */
const BUS_OFFSET = 10_000;
const PORT_FLOOR = 20_000;
const PORT_CEILING = 55_535;

/** A random loopback port below 55535 that is free, and whose `offset` companion (a bus port) is free too. */
async function freePortPair(taken: Set<number>, offset: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_FLOOR + Math.floor(Math.random() * (PORT_CEILING - PORT_FLOOR));
    if (taken.has(port) || taken.has(port + offset)) continue;
    if ((await portIsFree(port)) && (offset === 0 || (await portIsFree(port + offset)))) {
      taken.add(port);
      if (offset) taken.add(port + offset);
      return port;
    }
  }
  throw new Error('found no free loopback port (and bus port) in 200 tries');
}

/** Starts one redis-server on a fresh free port chosen by `args(port)`, retrying when the port is taken. */
async function startOn(
  taken: Set<number>,
  offset: number,
  args: (port: number) => string[] | Promise<string[]>,
): Promise<RedisProcess> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePortPair(taken, offset);
    try {
      return await spawnRedisServer({ port, args: await args(port) });
    } catch (error) {
      if (!(error instanceof RedisPortTakenError)) throw error;
    }
  }
  throw new Error('redis-server did not start on any of 5 free ports');
}

/** Polls `check` every 100 ms until it returns true; throws `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}

/** One command on a short-lived plain connection to a loopback port. */
async function ask(port: number, command: string, ...args: string[]): Promise<unknown> {
  const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await redis.call(command, ...args);
  } finally {
    redis.disconnect();
  }
}

async function rigWith(
  prefix: string,
  build: (dir: string, started: RedisProcess[], taken: Set<number>) => Promise<RedisEndpoint>,
): Promise<RedisHaRig> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const started: RedisProcess[] = [];
  const close = async () => {
    await Promise.allSettled(started.map((server) => server.stop()));
    started.length = 0;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const endpoint = await build(dir, started, new Set());
    return { endpoint, ports: started.map((s) => s.port), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A 3-master Redis Cluster without replicas: three `redis-server --cluster-enabled yes`, joined by
 * `redis-cli --cluster create`, ready once every node says `cluster_state:ok`.
 */
export async function startRedisCluster(options: { timeoutMs?: number } = {}): Promise<RedisHaRig> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  return await rigWith('bosun-redis-cluster-', async (dir, started, taken) => {
    for (let n = 1; n <= 3; n++) {
      started.push(
        await startOn(taken, BUS_OFFSET, (port) => [
          '--bind',
          '127.0.0.1',
          '--port',
          String(port),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${n}.conf`),
          '--cluster-port',
          String(port + BUS_OFFSET),
          '--cluster-node-timeout',
          '5000',
          ...EPHEMERAL_ARGS,
          '--dir',
          dir,
        ]),
      );
    }
    const nodes = started.map((s) => `127.0.0.1:${s.port}`);
    const created = await execa(
      'redis-cli',
      ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
      { reject: false, timeout: timeoutMs },
    );
    if (created.exitCode !== 0) {
      throw new Error(
        `redis-cli --cluster create failed (${created.exitCode}): ${`${created.stdout}\n${created.stderr}`.trim().slice(-1500)}`,
      );
    }
    await until(
      async () => {
        const states = await Promise.all(
          started.map(async (s) => String(await ask(s.port, 'CLUSTER', 'INFO'))),
        );
        return states.every((info) => /cluster_state:ok/.test(info));
      },
      'cluster_state:ok on all three nodes',
      timeoutMs,
    );
    return { cluster: nodes };
  });
}

/** What `startRedisSentinel()` returns: the rig, its first master, and a way to kill that master outright. */
export interface RedisSentinelRig extends RedisHaRig {
  name: string;
  /** The ports the rig started with; after a failover the Sentinel names `replicaPort` as the master. */
  masterPort: number;
  replicaPort: number;
  sentinelPort: number;
  /**
   * SIGKILLs the first master's redis-server, as a crashed host would lose it: no shutdown, no last sync to the
   * replica. Resolves once the process has exited.
   */
  killMaster(): Promise<void>;
  /** Waits (at most `waitMs`, default 30 s) until the Sentinel names another master than the first; returns its port. */
  failedOver(waitMs?: number): Promise<number>;
}

/**
 * A master, one replica (`--replicaof`) and one Sentinel monitoring the master as `name` (quorum 1); ready once
 * the replica's link is up and the Sentinel reports the master. Replication is Redis's default, asynchronous
 * (no `min-replicas-to-write`), and nothing is persisted: a write the master acknowledged just before it died
 * may be missing on the replica the Sentinel promotes, as in a real deployment. The Sentinel counts the master
 * down after `downAfterMs` (default 5000) without an answer; `failoverTimeoutMs` (default 10000) is its
 * failover-timeout.
 */
export async function startRedisSentinel(
  options: { name?: string; timeoutMs?: number; downAfterMs?: number; failoverTimeoutMs?: number } = {},
): Promise<RedisSentinelRig> {
  const name = options.name ?? 'bosun-test';
  const timeoutMs = options.timeoutMs ?? 20_000;
  const downAfterMs = options.downAfterMs ?? 5000;
  const failoverTimeoutMs = options.failoverTimeoutMs ?? 10_000;
  const plain = (dir: string, port: number, extra: string[] = []) => [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    ...EPHEMERAL_ARGS,
    '--dir',
    dir,
    ...extra,
  ];
  const held: { master?: RedisProcess } = {};
  const rig = await rigWith('bosun-redis-sentinel-', async (dir, started, taken) => {
    const first = await startOn(taken, 0, (port) => plain(dir, port));
    held.master = first;
    started.push(first);
    const replica = await startOn(taken, 0, (port) =>
      plain(dir, port, ['--replicaof', '127.0.0.1', String(first.port)]),
    );
    started.push(replica);
    await until(
      async () => /master_link_status:up/.test(String(await ask(replica.port, 'INFO', 'replication'))),
      "the replica's link to the master",
      timeoutMs,
    );
    const sentinel = await startOn(taken, 0, async (port) => {
      // Sentinel rewrites its config file, so each attempt gets its own, in the rig's temp dir.
      const file = join(dir, `sentinel-${port}.conf`);
      await writeFile(
        file,
        [
          'bind 127.0.0.1',
          `port ${port}`,
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${first.port} 1`,
          `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
          `sentinel failover-timeout ${name} ${failoverTimeoutMs}`,
          '',
        ].join('\n'),
      );
      return [file, '--sentinel'];
    });
    started.push(sentinel);
    await until(
      async () => {
        const reply = (await ask(sentinel.port, 'SENTINEL', 'get-master-addr-by-name', name)) as
          | string[]
          | null;
        return reply?.[1] === String(first.port);
      },
      `the Sentinel to report master ${name}`,
      timeoutMs,
    );
    return { sentinels: [`127.0.0.1:${sentinel.port}`], sentinelName: name };
  });
  const [masterPort = 0, replicaPort = 0, sentinelPort = 0] = rig.ports;
  return {
    ...rig,
    name,
    masterPort,
    replicaPort,
    sentinelPort,
    async killMaster() {
      const master = held.master;
      if (!master?.pid) throw new Error('the first master never started');
      try {
        process.kill(master.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // already gone
      }
      await master.stop(); // the process is dead: this waits until it has exited
    },
    async failedOver(waitMs = 30_000) {
      let port = masterPort;
      await until(
        async () => {
          const reply = (await ask(sentinelPort, 'SENTINEL', 'get-master-addr-by-name', name)) as
            | string[]
            | null;
          port = Number(reply?.[1] ?? masterPort);
          return port !== masterPort;
        },
        `the Sentinel to promote a new master of ${name}`,
        waitMs,
      );
      return port;
    },
  };
}
