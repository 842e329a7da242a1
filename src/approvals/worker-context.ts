import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { RedisClient } from '../queue/connection.js';
import type { Cancellations } from '../requests/cancellations.js';
import type { RequestReporter } from '../requests/request-reporter.js';
import type { RequestStore } from '../requests/request-store.js';
import type { Clock } from '../shared/clock.js';

/** What the worker side of approvals uses from the jobs' dependencies (WorkerDeps has all of it). */
export interface WorkerContext {
  config: Config;
  slash: string;
  redis: RedisClient;
  clock: Clock;
  logger: Logger;
  requests: RequestStore;
  reporter: RequestReporter;
  cancellations: Cancellations;
}

/** The job being processed and the lock token that lets it move itself to delayed. */
export interface WaitingJob {
  id?: string;
  moveToDelayed(timestamp: number, token?: string): Promise<void>;
  promote(): Promise<void>;
}
