import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';
import { DEFAULT_REDIS_URL, type RedisConfig } from '../config/schema.js';

/** A connection in any of the three modes. BullMQ takes either; code that only sends commands takes this. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: the `redis` config section without the prefix (src/config/schema.ts, RedisSchema). */
export type RedisEndpoint = Pick<RedisConfig, 'url' | 'sentinels' | 'sentinelName' | 'cluster'>;

/** Per-connection options callers may set; the rest follows from the role. */
export interface ConnectionOptions {
  /** Shown by `CLIENT LIST`, so connections can be told apart. */
  connectionName?: string;
  lazyConnect?: boolean;
}

/**
 * Workers need `maxRetriesPerRequest: null` (BullMQ blocks on them); the bot's producer connection fails fast
 * instead, so a slash command with Redis down is answered with an error within Slack's 3 seconds rather than
 * hanging.
 */
export type ConnectionRole = 'worker' | 'producer';

const ROLE_OPTIONS: Record<ConnectionRole, RedisOptions> = {
  worker: { maxRetriesPerRequest: null, enableReadyCheck: true },
  producer: { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 },
};
const PRODUCER_RETRY = (times: number) => Math.min(times * 200, 2000);

function node(hostPort: string): ClusterNode & { host: string; port: number } {
  const at = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(hostPort.slice(at + 1)) };
}

/**
 * The one place connections are made, from the `redis` config section: one server (`url`), the master behind
 * Sentinel (`sentinels` + `sentinelName`, ioredis follows failovers), or a Redis Cluster (`cluster`, seed nodes).
 */
export function redisConnection(
  endpoint: RedisEndpoint,
  role: ConnectionRole,
  options: ConnectionOptions = {},
): RedisClient {
  const perRole = ROLE_OPTIONS[role];
  const retryStrategy = role === 'producer' ? PRODUCER_RETRY : undefined;
  if (endpoint.cluster) {
    return new Cluster(endpoint.cluster.map(node), {
      enableReadyCheck: true,
      enableOfflineQueue: true,
      lazyConnect: options.lazyConnect ?? false,
      ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
      redisOptions: { ...perRole, connectionName: options.connectionName },
    });
  }
  const common: RedisOptions = {
    ...perRole,
    enableOfflineQueue: true,
    lazyConnect: options.lazyConnect ?? false,
    ...(retryStrategy ? { retryStrategy } : {}),
    ...(options.connectionName ? { connectionName: options.connectionName } : {}),
  };
  if (endpoint.sentinels) {
    return new Redis({ ...common, sentinels: endpoint.sentinels.map(node), name: endpoint.sentinelName });
  }
  return new Redis(endpoint.url ?? DEFAULT_REDIS_URL, common);
}

export function workerConnection(endpoint: RedisEndpoint, options: ConnectionOptions = {}): RedisClient {
  return redisConnection(endpoint, 'worker', options);
}

export function producerConnection(endpoint: RedisEndpoint, options: ConnectionOptions = {}): RedisClient {
  return redisConnection(endpoint, 'producer', options);
}

/** Redis answers PING within `timeoutMs` (on a Cluster: the node ioredis picks, once it knows the slots). */
export async function redisReachable(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return reply === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
