import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { Cancellations } from '../queue/cancellations.js';
import type { OpsQueue } from '../queue/ops-queue.js';
import type { RequestStore } from '../queue/requests.js';
import type { RequestReporter } from '../report/request-reporter.js';

/** What the bot side of approvals uses from the handlers' dependencies (HandlerDeps has all of it). */
export interface BotContext {
  config: Config;
  slash: string;
  redis: Redis;
  clock: Clock;
  logger: Logger;
  requests: RequestStore;
  reporter: RequestReporter;
  ops: OpsQueue;
  cancellations: Cancellations;
}
