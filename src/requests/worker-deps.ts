import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Operations } from '../operations/registry.js';
import type { ClusterPorts } from '../ops/cluster-ports.js';
import type { Lock } from '../ports/lock.js';
import type { OperatorDecisions } from '../ports/operator-decisions.js';
import type { RedisClient } from '../queue/connection.js';
import type { Clock } from '../shared/clock.js';
import type { Cancellations } from './cancellations.js';
import type { RequestReporter } from './request-reporter.js';
import type { RequestStore } from './request-store.js';

/**
 * The ports jobs use, built by the process that runs them (src/main/worker-ports.ts: Kubernetes, Redis and
 * Slack adapters) or by a test (in-memory fakes). No job constructs an adapter.
 */
export interface WorkerPorts {
  /** Everything an operation may call on one cluster. */
  cluster(name: string): ClusterPorts;
  /** Node and cluster locks. */
  locks: Lock;
  /** What people decided with a running request's buttons. */
  decisions(requestId: string): OperatorDecisions;
  /** A link to a message (the card of the request holding a lock), when Slack gives one. */
  permalink(channel: string, ts: string): Promise<string | undefined>;
}

/** What every job may use. */
export interface WorkerDeps {
  config: Config;
  slash: string;
  /** The process's shared Redis connection (policy, approvals, audit). */
  redis: RedisClient;
  operations: Operations;
  ports: WorkerPorts;
  requests: RequestStore;
  reporter: RequestReporter;
  cancellations: Cancellations;
  clock: Clock;
  logger: Logger;
}
