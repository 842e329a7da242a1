import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { RedisClient } from '../queue/connection.js';
import type { OpsQueue } from '../queue/ops-queue.js';
import type { Cancellations } from '../requests/cancellations.js';
import type { RequestReporter } from '../requests/request-reporter.js';
import type { RequestStore } from '../requests/request-store.js';
import type { Clock } from '../shared/clock.js';

/** What the bot side of approvals uses from the handlers' dependencies (HandlerDeps has all of it). */
export interface BotContext {
  config: Config;
  slash: string;
  redis: RedisClient;
  clock: Clock;
  logger: Logger;
  requests: RequestStore;
  reporter: RequestReporter;
  ops: OpsQueue;
  cancellations: Cancellations;
}
