import { Queue, Worker } from 'bullmq';
import { pino } from 'pino';
import { ChannelRateLimiter } from '../../src/adapters/slack/channel-rate-limit.js';
import { createOutboxProcessor } from '../../src/adapters/slack/outbox-sender.js';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { workerConnection } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { OUTBOX_QUEUE } from '../../src/queue/names.js';
import { Outbox } from '../../src/queue/outbox.js';
import { RequestReporter } from '../../src/requests/request-reporter.js';
import { RequestStore } from '../../src/requests/request-store.js';
import { type SlackStandIn, startSlackStandIn } from '../../src/sandbox/slack/index.js';
import { testPrefix, testRedis } from './redis.js';

export interface OutboxRig {
  standIn: SlackStandIn;
  reporter: RequestReporter;
  requests: RequestStore;
  queue: Queue;
  close(): Promise<void>;
}

/** The outbox on a real Redis, delivering to the Slack stand-in at Slack's pacing, as in production. */
export async function startOutboxRig(testFile: string, channels: string[] = ['COPS']): Promise<OutboxRig> {
  const botToken = 'xoxb-outbox';
  const standIn = await startSlackStandIn({
    signingSecret: 'outbox-test',
    botToken,
    delivery: { mode: 'http', url: 'http://127.0.0.1:1/slack/events' },
    channels: channels.map((id) => ({ id, name: id.slice(1).toLowerCase(), isPrivate: false })),
  });
  const prefix = testPrefix(testFile);
  const connection = workerConnection(testRedis());
  const workerRedis = workerConnection(testRedis());
  const keys = new Keys(prefix);
  const requests = new RequestStore(connection, keys);
  const queue = new Queue(OUTBOX_QUEUE, { connection, prefix: keys.bullPrefix });
  const logger = pino({ level: 'silent' });
  const worker = new Worker(
    OUTBOX_QUEUE,
    createOutboxProcessor({
      web: createWebClient(botToken, logger, standIn.apiUrl),
      requests,
      limiter: new ChannelRateLimiter(connection),
      keys,
      logger,
      pollMs: 20,
    }),
    { connection: workerRedis, prefix: keys.bullPrefix, concurrency: 8 },
  );
  return {
    standIn,
    reporter: new RequestReporter(requests, new Outbox(queue)),
    requests,
    queue,
    async close() {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
      workerRedis.disconnect();
      await standIn.stop();
    },
  };
}
