import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ClusterConnections } from '../src/adapters/k8s/cluster-connections.js';
import type { Config } from '../src/config/schema.js';
import type { Clock } from '../src/ports/clock.js';
import type { Cancellations } from '../src/queue/cancellations.js';
import type { RequestStore } from '../src/queue/requests.js';
import type { RequestReporter } from '../src/report/request-reporter.js';

/** What every job may use. */
export interface WorkerDeps {
  config: Config;
  slash: string;
  /** The process's shared Redis connection (policy, approvals, audit). */
  redis: Redis;
  clusters: ClusterConnections;
  requests: RequestStore;
  reporter: RequestReporter;
  cancellations: Cancellations;
  clock: Clock;
  logger: Logger;
}
