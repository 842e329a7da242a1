import { CoordinationV1Api } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ClusterConnections } from '../adapters/k8s/cluster-connections.js';
import { kubeClusterPorts } from '../adapters/k8s/drain-adapters.js';
import { KubeLeaseLocks } from '../adapters/k8s/kube-lease-locks.js';
import { startScratchSimulator } from '../adapters/k8s/scratch-simulator.js';
import { RedisLocks } from '../adapters/redis/redis-locks.js';
import { messagePermalink } from '../adapters/slack/message-permalink.js';
import { createWebClient } from '../adapters/slack/web-client.js';
import { backupStore } from '../backup/backup-stores.js';
import { restoreDrill } from '../backup/restore-drill.js';
import type { Config } from '../config/schema.js';
import type { BackupSchedules } from '../ports/backup-schedules.js';
import type { RedisClient } from '../queue/connection.js';
import { Keys } from '../queue/keys.js';
import { RequestDecisions } from '../requests/request-decisions.js';
import type { WorkerPorts } from '../requests/worker-deps.js';
import type { ScheduleStore } from '../schedules/schedule-store.js';
import type { Clock } from '../shared/clock.js';

/** For a process that runs no schedules (test rigs of other things). */
const noSchedules: BackupSchedules = {
  set: () => Promise.reject(new Error('this process keeps no backup schedules')),
  list: () => Promise.resolve([]),
  delete: () => Promise.resolve(false),
};

/**
 * The real adapters behind the jobs' ports: Kubernetes per configured cluster, locks in Redis (mirrored by a
 * Lease in the cluster unless `leases.enabled` is false), decisions in Redis.
 */
export function workerPorts(
  config: Config,
  redis: RedisClient,
  clock: Clock,
  logger: Logger,
  schedules?: ScheduleStore,
): WorkerPorts {
  const keys = new Keys(config.redis.prefix);
  const clusters = new ClusterConnections(config.clusters);
  const decisions = new RequestDecisions(redis, keys);
  const token = config.slack.botToken;
  const web = token ? createWebClient(token, logger, config.slack.apiUrl) : undefined;
  const backups = backupStore(config.backups);
  const drill = config.backups.drill ? restoreDrill(startScratchSimulator, clock) : undefined;
  return {
    cluster: (name) => ({
      ...kubeClusterPorts(clusters.kubeConfig(name), name, clock, backups),
      ...(drill ? { drill } : {}),
      schedules: schedules?.forCluster(name) ?? noSchedules,
    }),
    locks: config.leases.enabled
      ? new KubeLeaseLocks(new RedisLocks(redis, keys), {
          api: (cluster) => clusters.kubeConfig(cluster).makeApiClient(CoordinationV1Api),
          namespace: config.leases.namespace,
          installation: config.leases.installation ?? config.redis.prefix,
          clock,
          logger,
        })
      : new RedisLocks(redis, keys),
    decisions: (requestId) => decisions.inbox(requestId),
    permalink: async (channel, ts) => (web ? await messagePermalink(web, channel, ts) : undefined),
  };
}
