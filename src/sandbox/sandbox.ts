import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { startBot } from '../main/bot.js';
import { startWorker } from '../main/worker.js';
import type { RedisEndpoint } from '../queue/connection.js';
import { requestIdFromTrigger } from '../requests/request-id.js';
import { type Registry, startSimulator } from '../sim/index.js';
import { startSandboxConsole } from './console/index.js';
import { startLocalRedis } from './redis-server.js';
import type { SlackStandIn } from './slack/index.js';
import { startSlackStandIn } from './slack/index.js';

export interface SandboxOptions {
  /** Port of the sandbox API and console (0 = any free port). */
  port?: number;
  host?: string;
  scenario?: string;
  timeScale?: number;
  /**
   * Use this Redis (one server, Sentinel or Cluster: the `redis` config section without its prefix; the sandbox
   * takes a prefix unique to the run) instead of starting redis-server.
   */
  redis?: RedisEndpoint;
  /** Deliver commands over Socket Mode instead of signed HTTP requests. */
  socketMode?: boolean;
  /** Channels besides #ops (COPS) that may address the sandbox cluster. */
  extraChannels?: string[];
  /** Worker job-lock timings (tests shorten them to see stalled-job recovery quickly). */
  worker?: Partial<Config['worker']>;
  /** The `policy` section; SANDBOX_POLICY when left out (`{}`: anyone may do anything, no approvals). */
  policy?: unknown;
  /** The `backups.notify` section (owners, channel, how often missed backups are looked for). */
  backupsNotify?: unknown;
  logger: Logger;
}

/**
 * Two operators, UALICE and UBOB, who may ask for anything; what disrupts workloads (drain, maintain) or
 * writes a backup back into the cluster (restore) waits for one approval from the other operator. Cordon,
 * uncordon and `backup now` need none; dry runs and read-only commands never wait.
 */
export const SANDBOX_POLICY = {
  defaults: { requesters: { users: ['UALICE', 'UBOB'] } },
  rules: [{ commands: ['drain', 'maintain', 'restore'], approvals: 1, selfApproval: false }],
};

export interface RunningSandbox {
  url: string;
  standIn: SlackStandIn;
  config: Config;
  kubeconfigPath: string;
  clusterUrl: string;
  /** Stops the worker (gracefully) and starts a new one on the same Redis, as a restart of the process would. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The whole product on one machine: Redis, the Kubernetes simulator, the Slack stand-in, the bot and a worker,
 * all on ephemeral loopback ports, plus the sandbox API and console on `port`. Resolves once the cluster has
 * settled (nodes Ready, pods Running) and everything answers.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { logger } = options;
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn({ err: error }, 'error while stopping the sandbox');
      }
    }
    stops.length = 0;
  };
  try {
    const dir = await mkdtemp(join(tmpdir(), 'bosun-sandbox-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));

    let endpoint = options.redis;
    let prefix = 'bosun';
    if (endpoint) prefix = `sandbox-${randomBytes(4).toString('hex')}`;
    else {
      const redis = await startLocalRedis();
      stops.push(() => redis.stop());
      endpoint = { url: redis.url };
    }

    const sim = await startSimulator({
      scenario: options.scenario ?? 'small',
      timeScale: options.timeScale ?? 1,
      host: '127.0.0.1',
      port: 0,
    });
    stops.push(() => sim.stop());
    const kubeconfigPath = join(dir, 'sandbox.kubeconfig');
    await sim.writeKubeconfig(kubeconfigPath);

    const signingSecret = randomBytes(16).toString('hex');
    const botToken = `xoxb-sandbox-${randomBytes(8).toString('hex')}`;
    const appToken = `xapp-sandbox-${randomBytes(8).toString('hex')}`;
    const standIn = await startSlackStandIn({
      signingSecret,
      botToken,
      appToken,
      delivery: options.socketMode ? { mode: 'socket' } : { mode: 'http', url: 'http://127.0.0.1:9/unset' },
      requestIdOf: requestIdFromTrigger,
    });
    stops.push(() => standIn.stop());

    const channels = ['COPS', ...(options.extraChannels ?? [])];
    const config = loadConfig({
      env: {},
      raw: {
        slack: {
          mode: options.socketMode ? 'socket' : 'http',
          command: '/bosun',
          signingSecret,
          botToken,
          appToken,
          port: 0,
          apiUrl: standIn.apiUrl,
        },
        redis: { ...endpoint, prefix },
        health: { botPort: 0, workerPort: 0 },
        worker: { concurrency: 8, ...options.worker },
        log: { level: logger.level },
        clusters: [{ name: 'sandbox', kubeconfig: kubeconfigPath, channels, defaultIn: channels }],
        backups: {
          store: { type: 'local', path: join(dir, 'backups') },
          ...(options.backupsNotify ? { notify: options.backupsNotify } : {}),
        },
        policy: options.policy ?? SANDBOX_POLICY,
      },
    });

    const bot = await startBot(config, logger.child({ process: 'bot' }));
    stops.push(() => bot.stop());
    if (!options.socketMode)
      standIn.deliverTo({ mode: 'http', url: `http://127.0.0.1:${bot.port}/slack/events` });
    let worker = await startWorker(config, logger.child({ process: 'worker' }));
    stops.push(() => worker.stop());

    await sim.settled({ timeoutMs: 120_000 });

    const sandboxConsole = await startSandboxConsole({
      port: options.port ?? 3000,
      host: options.host ?? '127.0.0.1',
      standIn,
      kubeconfig: () => sim.kubeconfig(),
      exampleNode: await exampleNode(sim.registry),
    });
    stops.push(() => sandboxConsole.stop());

    return {
      url: sandboxConsole.url,
      standIn,
      config,
      kubeconfigPath,
      clusterUrl: sim.url,
      async restartWorker() {
        await worker.stop();
        worker = await startWorker(config, logger.child({ process: 'worker' }));
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The first worker of the running cluster by name (the first node if all are control planes), for examples. */
async function exampleNode(registry: Registry): Promise<string | undefined> {
  const { items } = await registry.list({ group: '', resource: 'nodes' });
  const nodes = items
    .map((node) => ({
      name: node.metadata.name ?? '',
      controlPlane: 'node-role.kubernetes.io/control-plane' in (node.metadata.labels ?? {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  return (nodes.find((node) => !node.controlPlane) ?? nodes[0])?.name;
}
