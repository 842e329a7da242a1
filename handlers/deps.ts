import type { Logger } from 'pino';
import type { Config } from '../src/config/schema.js';
import type { Operations } from '../src/operations/registry.js';
import type { RedisClient } from '../src/queue/connection.js';
import type { IntakeQueue } from '../src/queue/intake-queue.js';
import type { OpsQueue } from '../src/queue/ops-queue.js';
import type { RequestMeta, SlackMessage } from '../src/queue/payloads.js';
import type { Cancellations } from '../src/requests/cancellations.js';
import type { RequestReporter } from '../src/requests/request-reporter.js';
import type { RequestStore } from '../src/requests/request-store.js';
import type { Clock } from '../src/shared/clock.js';

/** What every handler may use. Handlers never call a cluster: they read config and Redis, and enqueue. */
export interface HandlerDeps {
  config: Config;
  slash: string;
  /** The process's shared Redis connection (policy, approvals, audit). */
  redis: RedisClient;
  /** The operations commands run (src/operations/registry.ts; tests may stand one in). */
  operations: Operations;
  requests: RequestStore;
  reporter: RequestReporter;
  ops: OpsQueue;
  /** Where a slash command is made durable before its ack. */
  intake: IntakeQueue;
  cancellations: Cancellations;
  logger: Logger;
  clock: Clock;
}

/** The ack a handler asks for: nothing (the card will speak), or a message only the requester sees. */
export type Ack = { kind: 'none' } | { kind: 'ephemeral'; message: SlackMessage };

export const noAck: Ack = { kind: 'none' };
export const ephemeral = (message: SlackMessage): Ack => ({ kind: 'ephemeral', message });

export interface CommandContext<C> {
  meta: RequestMeta;
  command: C;
  deps: HandlerDeps;
  log: Logger;
}
