import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { register } from '../../handlers/index.js';
import { guardedReceiver } from '../adapters/slack/guarded-receiver.js';
import { slackLogger } from '../adapters/slack/slack-logger.js';
import { createWebClient, verifyBotToken } from '../adapters/slack/web-client.js';
import type { Config } from '../config/schema.js';
import { OPERATIONS } from '../operations/registry.js';
import { producerConnection, redisReachable } from '../queue/connection.js';
import { IntakeQueue } from '../queue/intake-queue.js';
import { Keys } from '../queue/keys.js';
import { INTAKE_QUEUE, OPS_QUEUE, OUTBOX_QUEUE } from '../queue/names.js';
import { OpsQueue } from '../queue/ops-queue.js';
import { Outbox } from '../queue/outbox.js';
import { logQueueErrors } from '../queue/queue-errors.js';
import { Cancellations } from '../requests/cancellations.js';
import { RequestReporter } from '../requests/request-reporter.js';
import { RequestStore } from '../requests/request-store.js';
import { systemClock } from '../shared/clock.js';
import { startHealthServer } from './health-server.js';

export interface RunningBot {
  /** Port of the HTTP receiver (`/slack/events`); undefined in Socket Mode. */
  port?: number;
  healthPort: number;
  stop(): Promise<void>;
}

/** `bosun bot`: the Bolt app. Acks every command within Slack's 3 seconds; enqueues work, never runs it. */
export async function startBot(config: Config, logger: Logger): Promise<RunningBot> {
  const { slack } = config;
  const botToken = slack.botToken ?? '';
  const web = createWebClient(botToken, logger, slack.apiUrl);
  const identity = await verifyBotToken(web);
  logger.info(
    { botUserId: identity.botUserId, team: identity.team, mode: slack.mode },
    'slack token verified',
  );

  const redis = producerConnection(config.redis, { connectionName: 'bosun-bot' });
  const keys = new Keys(config.redis.prefix);
  const opsQueue = new Queue(OPS_QUEUE, { connection: redis, prefix: keys.bullPrefix });
  const outboxQueue = new Queue(OUTBOX_QUEUE, { connection: redis, prefix: keys.bullPrefix });
  // The write an ack waits for gets a connection of its own, so it never queues behind other requests' traffic.
  const intakeRedis = producerConnection(config.redis, { connectionName: 'bosun-bot-intake' });
  const intakeQueue = new Queue(INTAKE_QUEUE, { connection: intakeRedis, prefix: keys.bullPrefix });
  logQueueErrors(logger, opsQueue, outboxQueue, intakeQueue);
  const requests = new RequestStore(redis, keys);
  const clientOptions = { slackApiUrl: slack.apiUrl, retryConfig: { retries: 2 } };

  const app =
    slack.mode === 'socket'
      ? new App({
          token: botToken,
          appToken: slack.appToken,
          socketMode: true,
          botId: identity.botId,
          botUserId: identity.botUserId,
          clientOptions,
          installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl } },
          logger: slackLogger(logger),
        })
      : new App({
          token: botToken,
          receiver: guardedReceiver(
            { signingSecret: slack.signingSecret ?? '', logger: logger.child({ component: 'receiver' }) },
            { logger: slackLogger(logger) },
          ),
          botId: identity.botId,
          botUserId: identity.botUserId,
          clientOptions,
          logger: slackLogger(logger),
        });

  register(app, {
    config,
    slash: slack.command,
    redis,
    operations: OPERATIONS,
    requests,
    reporter: new RequestReporter(requests, new Outbox(outboxQueue)),
    ops: new OpsQueue(opsQueue),
    intake: new IntakeQueue(intakeQueue, {
      budgetMs: config.intake.ackBudgetMs,
      backstopMs: config.intake.backstopMs,
    }),
    cancellations: new Cancellations(redis, keys),
    logger,
    clock: systemClock,
  });

  let port: number | undefined;
  if (slack.mode === 'socket') {
    await app.start();
  } else {
    const server = (await app.start(slack.port)) as Server;
    port = (server.address() as AddressInfo).port;
  }
  const health = await startHealthServer({ port: config.health.botPort, ready: () => redisReachable(redis) });
  logger.info({ port, healthPort: health.port }, 'bot started');

  return {
    port,
    healthPort: health.port,
    async stop() {
      await app.stop();
      await health.close();
      await opsQueue.close();
      await outboxQueue.close();
      await intakeQueue.close();
      intakeRedis.disconnect();
      redis.disconnect();
    },
  };
}
