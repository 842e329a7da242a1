import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Queue } from 'bullmq';
import { execa, type ResultPromise } from 'execa';
import { pino } from 'pino';
import YAML from 'yaml';
import { loadConfig } from '../../../src/config/load-config.js';
import type { Config } from '../../../src/config/schema.js';
import { startBot } from '../../../src/main/bot.js';
import { startWorker } from '../../../src/main/worker.js';
import { producerConnection, type RedisEndpoint } from '../../../src/queue/connection.js';
import { Keys } from '../../../src/queue/keys.js';
import { requestIdFromTrigger } from '../../../src/requests/request-id.js';
import { RequestStore } from '../../../src/requests/request-store.js';
import { type RecordedMessage, startSlackStandIn } from '../../../src/sandbox/slack/index.js';
import { startSimulator } from '../../../src/sim/index.js';
import { testRedis } from '../../support/redis.js';
import { startCountingProxy } from './counting-proxy.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface NodeOpsRigOptions {
  /** A scenario file (path) or shipped name. */
  scenario: string;
  /** Default 0.05: a 10 s grace period plays in 0.5 s. */
  timeScale?: number;
  /** The policy section; default `{}` (anyone in #ops, no approvals). */
  policy?: unknown;
  drain?: Partial<Config['drain']>;
  worker?: Partial<Config['worker']>;
  intake?: Partial<Config['intake']>;
  /** The channels the cluster `sim` is used from (default `['COPS']`; each has its own Slack pacing). */
  channels?: string[];
  /** Where Redis is; the test run's Redis when left out (test/redis-ha passes a Cluster or Sentinel). */
  redis?: RedisEndpoint;
  /** Run a worker in this process (default); child workers come from `spawnWorker()`. */
  inProcessWorker?: boolean;
}

/**
 * Locks shorter than a Redis outage or failover (down-after, promotion, reconnect), and a reconciler that sweeps
 * often, so it meets the request while Redis is away and just after: the settings of the tests that take Redis
 * away under a running drain.
 */
export const OUTAGE_TIMINGS = {
  worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
  drain: { lockTtlMs: 3000 },
  intake: { reconcileEveryMs: 300, reconcileAfterMs: 500 },
} satisfies Pick<NodeOpsRigOptions, 'worker' | 'drain' | 'intake'>;

export interface BosunChild {
  pid: number;
  process: ResultPromise;
  kill(signal: NodeJS.Signals): void;
  /** Everything it logged on stdout so far (pino JSON lines). */
  output(): string;
}

/**
 * The product with its pieces in reach of a test: the simulator behind a counting proxy, the Slack stand-in,
 * the bot, and a worker in this process or as child processes (`node bin/bosun.js worker` with a config file),
 * all on loopback, with a Redis prefix of its own.
 */
export async function startNodeOpsRig(options: NodeOpsRigOptions) {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) {
      try {
        await step();
      } catch {
        // keep stopping the rest
      }
    }
    stops.length = 0;
  };
  try {
    const dir = await mkdtemp(join(tmpdir(), 'bosun-node-ops-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const sim = await startSimulator({ scenario: options.scenario, timeScale: options.timeScale ?? 0.05 });
    stops.push(() => sim.stop());
    await sim.settled({ timeoutMs: 60_000 });
    const proxy = await startCountingProxy(sim.url);
    stops.push(() => proxy.close());
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, sim.kubeconfig().split(sim.url).join(proxy.url), { mode: 0o600 });

    const signingSecret = randomBytes(16).toString('hex');
    const botToken = `xoxb-test-${randomBytes(6).toString('hex')}`;
    const standIn = await startSlackStandIn({
      signingSecret,
      botToken,
      delivery: { mode: 'http', url: 'http://127.0.0.1:9/unset' },
      requestIdOf: requestIdFromTrigger,
    });
    stops.push(() => standIn.stop());

    const raw = {
      slack: { mode: 'http', command: '/bosun', signingSecret, botToken, port: 0, apiUrl: standIn.apiUrl },
      redis: { ...(options.redis ?? testRedis()), prefix: `t-node-ops-${randomBytes(4).toString('hex')}` },
      health: { botPort: 0, workerPort: 0 },
      worker: { concurrency: 4, ...options.worker },
      intake: { ...options.intake },
      log: { level: 'info' },
      clusters: [
        {
          name: 'sim',
          kubeconfig: kubeconfigPath,
          channels: options.channels ?? ['COPS'],
          defaultIn: options.channels ?? ['COPS'],
        },
      ],
      policy: options.policy ?? {},
      drain: { stuckAfterSeconds: 60, lockTtlMs: 30_000, ...options.drain },
      backups: { store: { type: 'local', path: join(dir, 'backups') } },
    };
    const configPath = join(dir, 'bosun.yaml');
    await writeFile(configPath, YAML.stringify(raw));
    const config = loadConfig({ env: {}, raw });
    const logger = pino({ level: process.env.BOSUN_TEST_LOG ?? 'silent' });

    const bot = await startBot(config, logger.child({ process: 'bot' }));
    stops.push(() => bot.stop());
    standIn.deliverTo({ mode: 'http', url: `http://127.0.0.1:${bot.port}/slack/events` });
    if (options.inProcessWorker !== false) {
      const worker = await startWorker(config, logger.child({ process: 'worker' }));
      stops.push(() => worker.stop());
    }

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(sim.kubeconfig());
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const children: BosunChild[] = [];
    stops.push(async () => {
      for (const child of children) child.kill('SIGKILL');
      await Promise.allSettled(children.map((c) => c.process));
    });

    // A child reads only the rig's config file, as the processes in this one read only `raw`: a REDIS_URL (or any
    // other override) in the test run's environment would replace the file's Redis, a Sentinel's or a Cluster's
    // included, and send the child to another Redis than the bot's.
    const childEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(REDIS_URL$|SLACK_|BOSUN_)/.test(name)),
    );
    let spawned = 0;
    /** `node bin/bosun.js <role>` with the rig's config; resolves with its "<role> started" log line. */
    const spawn = async (role: 'bot' | 'worker') => {
      spawned++;
      const log = createWriteStream(join(dir, `${role}-${spawned}.log`));
      const child = execa(process.execPath, [join(repoRoot, 'bin', 'bosun.js'), role], {
        cwd: repoRoot,
        env: { ...childEnv, BOSUN_CONFIG: configPath },
        extendEnv: false,
        reject: false,
        buffer: false,
      });
      let output = '';
      const handle: BosunChild = {
        pid: child.pid ?? 0,
        process: child,
        kill: (signal) => child.kill(signal),
        output: () => output,
      };
      children.push(handle);
      child.stderr?.pipe(log);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      const started = await new Promise<{ port?: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the ${role} did not start within 30 s`)), 30_000);
        let seen: string | undefined = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          log.write(chunk);
          if (seen === undefined) return;
          seen += chunk.toString();
          const line = seen.split('\n').find((l) => l.includes(`"${role} started"`));
          if (line) {
            seen = undefined;
            clearTimeout(timer);
            resolve(JSON.parse(line) as { port?: number });
          }
        });
        child.then(
          () => {
            clearTimeout(timer);
            reject(new Error(`the ${role} exited before it started: ${seen?.slice(-500)}`));
          },
          () => undefined,
        );
      });
      return { child: handle, started };
    };

    // The test's own view of Redis: the request records and the queues, as an operator with redis-cli sees them.
    const redis = producerConnection(config.redis, { connectionName: 'bosun-test' });
    // It reconnects by itself (a Redis restarted, a Sentinel failover); a read made meanwhile fails on its own.
    redis.on('error', () => {});
    const keys = new Keys(config.redis.prefix);
    const queues = new Map<string, Queue>();
    stops.push(async () => {
      for (const queue of queues.values()) await queue.close();
      redis.disconnect();
    });
    const queue = (name: string): Queue => {
      let q = queues.get(name);
      if (!q) {
        q = new Queue(name, { connection: redis, prefix: keys.bullPrefix });
        queues.set(name, q);
      }
      return q;
    };

    const topLevel = (requestId: string): RecordedMessage | undefined =>
      standIn.messages('COPS').find((m) => m.requestId === requestId && !m.ephemeral);

    return {
      sim,
      standIn,
      proxy,
      config,
      core,
      /** Sends `/bosun <text>` as `user` in #ops; returns the request id. */
      async command(text: string, user = 'UALICE'): Promise<string> {
        const result = await standIn.slashCommand({ text, user, channel: 'COPS' });
        if (result.status !== 200) throw new Error(`slash command answered ${result.status}: ${result.body}`);
        return result.requestId;
      },
      card: topLevel,
      /** The request records, read straight from Redis. */
      requests: new RequestStore(redis, keys),
      /** A BullMQ queue of this installation (`ops`, `intake`, `outbox`), read straight from Redis. */
      queue,
      thread: (requestId: string): RecordedMessage[] => topLevel(requestId)?.replies ?? [],
      /** Waits until a reply of the request's thread matches; returns it. */
      async reply(requestId: string, pattern: RegExp, timeoutMs = 20_000): Promise<RecordedMessage> {
        return await standIn.waitFor(() => topLevel(requestId)?.replies.find((r) => pattern.test(r.text)), {
          timeoutMs,
          intervalMs: 50,
          description: `a reply matching ${pattern} in the thread of ${requestId}`,
        });
      },
      /** Waits until the card says the request ended (Done, Failed, Cancelled); returns its text. */
      async ended(requestId: string, timeoutMs = 30_000): Promise<string> {
        const card = await standIn.waitFor(
          () => {
            const message = topLevel(requestId);
            return message && /: (Done|Failed|Cancelled)/.test(message.text) ? message : undefined;
          },
          { timeoutMs, intervalMs: 50, description: `the end of ${requestId}` },
        );
        return card.text;
      },
      /** Waits until the API has accepted the eviction of a pod whose `namespace/name` starts with `prefix`. */
      async evictionAccepted(prefix: string, timeoutMs = 20_000): Promise<void> {
        await standIn.waitFor(
          () => [...proxy.acceptedEvictions().keys()].some((p) => p.startsWith(prefix)) || undefined,
          { timeoutMs, intervalMs: 20, description: `an eviction of ${prefix}* accepted` },
        );
      },
      /** The pods a drain of `node` evicts (all but its DaemonSet pods), as `namespace/name`, sorted. */
      async toEvict(node: string): Promise<string[]> {
        const pods = await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
        return pods.items
          .filter((p) => p.metadata?.ownerReferences?.[0]?.kind !== 'DaemonSet')
          .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)
          .sort();
      },
      async unschedulable(node: string): Promise<boolean> {
        return (await core.readNode({ name: node })).spec?.unschedulable === true;
      },
      /** A worker as its own process, as deployed: `node bin/bosun.js worker`. Resolves once it takes jobs. */
      async spawnWorker(): Promise<BosunChild> {
        return (await spawn('worker')).child;
      },
      /**
       * The bot as its own process (`node bin/bosun.js bot`) on a port of its own; the stand-in delivers to it
       * from now on. Resolves once it listens.
       */
      async spawnBot(): Promise<BosunChild & { url: string }> {
        const { child, started } = await spawn('bot');
        const url = `http://127.0.0.1:${started.port}/slack/events`;
        standIn.deliverTo({ mode: 'http', url });
        return { ...child, url };
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type NodeOpsRig = Awaited<ReturnType<typeof startNodeOpsRig>>;

/** A scenario file next to the e2e tests. */
export const e2eScenario = (name: string) =>
  fileURLToPath(new URL(`../scenarios/${name}.yaml`, import.meta.url));
