import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { Queue, Worker } from 'bullmq';
import { pino } from 'pino';
import type { HandlerDeps } from '../../../handlers/deps.js';
import { register } from '../../../handlers/index.js';
import { ActiveJobs, opsProcessor } from '../../../jobs/index.js';
import { ChannelRateLimiter } from '../../../src/adapters/slack/channel-rate-limit.js';
import { createOutboxProcessor } from '../../../src/adapters/slack/outbox-sender.js';
import { createWebClient } from '../../../src/adapters/slack/web-client.js';
import { type Config, ConfigSchema } from '../../../src/config/schema.js';
import { workerPorts } from '../../../src/main/worker-ports.js';
import { defineOperation, type JobContext, type Outcome } from '../../../src/operations/operation.js';
import { OPERATIONS, type Operations } from '../../../src/operations/registry.js';
import {
  producerConnection,
  type RedisClient,
  type RedisEndpoint,
  workerConnection,
} from '../../../src/queue/connection.js';
import { IntakeQueue } from '../../../src/queue/intake-queue.js';
import { Keys } from '../../../src/queue/keys.js';
import { INTAKE_QUEUE, OPS_QUEUE, OUTBOX_QUEUE } from '../../../src/queue/names.js';
import { OpsQueue } from '../../../src/queue/ops-queue.js';
import { Outbox } from '../../../src/queue/outbox.js';
import { Cancellations } from '../../../src/requests/cancellations.js';
import { RequestReporter } from '../../../src/requests/request-reporter.js';
import { RequestStore } from '../../../src/requests/request-store.js';
import type { WorkerDeps } from '../../../src/requests/worker-deps.js';
import {
  type RecordedMessage,
  type SlackStandIn,
  type SlackStandInOptions,
  startSlackStandIn,
} from '../../../src/sandbox/slack/index.js';
import type { Clock } from '../../../src/shared/clock.js';
import { testPrefix, testRedis } from '../../support/redis.js';

/** A clock tests move by hand; `sleep` resolves at once (nothing here sleeps on it). */
export class HandClock implements Clock {
  constructor(private ms = Date.parse('2026-11-25T10:00:00Z')) {}
  now(): number {
    return this.ms;
  }
  async sleep(): Promise<void> {}
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

export interface RigOptions {
  /** The `policy` section of the config. */
  policy: unknown;
  /** Operations standing in for the registry's, by name (see `probeOperation`); the others are the real ones. */
  operations: Partial<Operations>;
  users?: SlackStandInOptions['users'];
  usergroups?: SlackStandInOptions['usergroups'];
  /** The bot's clock (policy windows, expiry of clicks); real time when left out. */
  clock?: Clock;
  /** The stand-in's clock (signature timestamps); real time when left out. */
  slackClock?: Clock;
  audit?: unknown;
  /** Where Redis is; the test run's Redis when left out (test/redis-ha passes a Cluster or Sentinel). */
  redis?: RedisEndpoint;
}

export interface ApprovalRig {
  standIn: SlackStandIn;
  config: Config;
  /** `redis.prefix` as configured (no braces). */
  prefix: string;
  /** The rig's keys: what tests read bosun's state through. */
  keys: Keys;
  redis: RedisClient;
  ops: Queue;
  botUrl: string;
  signingSecret: string;
  /** What the bot's handlers get. */
  deps: HandlerDeps;
  /** Starts a worker for the ops queue (one may run at a time here). */
  startWorker(concurrency?: number): Promise<void>;
  stopWorker(): Promise<void>;
  /** Holds back Slack writes (card updates, replies), as a slow Slack would: people still see the old card. */
  pauseOutbox(): Promise<void>;
  resumeOutbox(): Promise<void>;
  command(text: string, user: string): Promise<{ requestId: string; status: number; body: string }>;
  /** The request's parent message (its card) once `predicate` holds. */
  card(
    requestId: string,
    predicate?: (card: RecordedMessage) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedMessage>;
  /** The first reply in the request's thread whose text matches `text`, once it is there. */
  threadLine(requestId: string, text: RegExp | string, timeoutMs?: number): Promise<RecordedMessage>;
  /**
   * Waits for `predicate` to hold; the default timeout leaves room for Slack's pacing, which the rig keeps
   * as in production (about one new message a second per channel), so a backlog in one channel takes time.
   */
  waitFor<T>(predicate: () => T | undefined | false, description: string, timeoutMs?: number): Promise<T>;
  /** Ephemeral messages shown to `user`, anywhere. */
  ephemeralsFor(user: string): RecordedMessage[];
  close(): Promise<void>;
}

/** Long enough for a few seconds of paced messages queued in one channel; a failure still ends in seconds. */
const PACED_TIMEOUT_MS = 20_000;

const signingSecret = 'approvals-test-secret';
const botToken = 'xoxb-approvals';

/** Redis, the Slack stand-in, the real handlers on an unmodified Bolt app, the outbox and an ops worker. */
export async function startApprovalRig(testFile: string, options: RigOptions): Promise<ApprovalRig> {
  const standIn = await startSlackStandIn({
    signingSecret,
    botToken,
    delivery: { mode: 'http', url: 'http://127.0.0.1:1/slack/events' },
    users: options.users,
    usergroups: options.usergroups,
    clock: options.slackClock,
  });
  const prefix = testPrefix(testFile);
  const endpoint = options.redis ?? testRedis();
  const config = ConfigSchema.parse({
    slack: { signingSecret, botToken, apiUrl: standIn.apiUrl },
    redis: { ...endpoint, prefix },
    clusters: [{ name: 'prod', kubeconfig: 'unused.kubeconfig', channels: ['COPS'], defaultIn: ['COPS'] }],
    policy: options.policy,
    audit: options.audit ?? {},
  });
  const logger = pino({ level: process.env.BOSUN_TEST_LOG ?? 'silent' });
  const clock = options.clock ?? { now: () => Date.now(), sleep: async () => {} };
  const redis = producerConnection(config.redis);
  const shared = workerConnection(config.redis);
  const keys = new Keys(prefix);
  const requests = new RequestStore(shared, keys);
  const ops = new Queue(OPS_QUEUE, { connection: shared, prefix: keys.bullPrefix });
  const outboxQueue = new Queue(OUTBOX_QUEUE, { connection: shared, prefix: keys.bullPrefix });
  const intakeQueue = new Queue(INTAKE_QUEUE, { connection: shared, prefix: keys.bullPrefix });
  const reporter = new RequestReporter(requests, new Outbox(outboxQueue));
  const cancellations = new Cancellations(shared, keys);

  const operations: Operations = { ...OPERATIONS, ...options.operations };
  const deps: HandlerDeps = {
    config,
    slash: '/bosun',
    redis: shared,
    operations,
    requests,
    reporter,
    ops: new OpsQueue(ops),
    intake: new IntakeQueue(intakeQueue),
    cancellations,
    logger,
    clock,
  };
  const app = new App({
    token: botToken,
    signingSecret,
    botId: 'BBOSUN',
    botUserId: 'UBOSUN',
    clientOptions: { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });
  register(app, deps);
  const server = (await app.start(0)) as { address(): AddressInfo | string | null };
  const address = server.address();
  const botUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/slack/events`;
  standIn.deliverTo({ mode: 'http', url: botUrl });

  const outboxRedis = workerConnection(config.redis);
  const outboxWorker = new Worker(
    OUTBOX_QUEUE,
    createOutboxProcessor({
      web: createWebClient(botToken, logger, standIn.apiUrl),
      requests,
      limiter: new ChannelRateLimiter(shared),
      keys,
      logger,
      pollMs: 20,
    }),
    { connection: outboxRedis, prefix: keys.bullPrefix, concurrency: 16 },
  );

  const workerDeps: WorkerDeps = {
    config,
    slash: '/bosun',
    redis: shared,
    operations,
    ports: workerPorts(config, shared, clock, logger),
    requests,
    reporter,
    cancellations,
    clock,
    logger,
  };
  let opsWorker: { worker: Worker; connection: RedisClient } | undefined;

  const rig: ApprovalRig = {
    standIn,
    config,
    prefix,
    keys,
    redis,
    ops,
    botUrl,
    signingSecret,
    deps,
    async startWorker(concurrency = 8) {
      if (opsWorker) throw new Error('a worker is already running');
      const connection = workerConnection(config.redis);
      const worker = new Worker(OPS_QUEUE, opsProcessor(workerDeps, new ActiveJobs()), {
        connection,
        prefix: keys.bullPrefix,
        concurrency,
      });
      opsWorker = { worker, connection };
    },
    async stopWorker() {
      if (!opsWorker) return;
      await opsWorker.worker.close();
      opsWorker.connection.disconnect();
      opsWorker = undefined;
    },
    async pauseOutbox() {
      // The worker's pause waits for the deliveries it has in hand: a card update already taken reads the
      // card's latest state just before it sends, so it would deliver what the test means to hold back.
      await outboxWorker.pause();
    },
    async resumeOutbox() {
      await outboxWorker.resume();
    },
    async command(text, user) {
      const result = await standIn.slashCommand({ text, user, channel: 'COPS' });
      return { requestId: result.requestId, status: result.status, body: result.body };
    },
    async card(requestId, predicate = () => true, timeoutMs = PACED_TIMEOUT_MS) {
      return await standIn.waitFor(
        () =>
          standIn
            .messages('COPS')
            .find((m) => m.requestId === requestId && !m.ephemeral && !m.threadTs && predicate(m)),
        { timeoutMs, description: `the card of ${requestId}` },
      );
    },
    async threadLine(requestId, text, timeoutMs = PACED_TIMEOUT_MS) {
      const matches = (t: string) => (typeof text === 'string' ? t.includes(text) : text.test(t));
      return await standIn.waitFor(
        () =>
          standIn
            .messages('COPS')
            .find((m) => m.requestId === requestId && !m.ephemeral && !m.threadTs)
            ?.replies.find((m) => matches(m.text)),
        { timeoutMs, description: `a line matching ${String(text)} in the thread of ${requestId}` },
      );
    },
    async waitFor(predicate, description, timeoutMs = PACED_TIMEOUT_MS) {
      return await standIn.waitFor(predicate, { timeoutMs, description });
    },
    ephemeralsFor(user) {
      const all: RecordedMessage[] = [];
      for (const message of standIn.messages()) {
        if (message.ephemeral?.user === user) all.push(message);
        for (const reply of message.replies) if (reply.ephemeral?.user === user) all.push(reply);
      }
      return all;
    },
    async close() {
      await rig.stopWorker();
      await app.stop();
      await outboxWorker.close();
      await ops.obliterate({ force: true });
      await outboxQueue.obliterate({ force: true });
      await ops.close();
      await outboxQueue.close();
      await intakeQueue.close();
      outboxRedis.disconnect();
      shared.disconnect();
      redis.disconnect();
      await standIn.stop();
    },
  };
  return rig;
}

/**
 * `/bosun nodes` made into an operation that changes something (so the policy's approvals apply) and runs
 * `run` instead of listing nodes: the approval tests' probe. It touches no cluster.
 */
export function probeOperation(
  run: (ctx: JobContext<{ name: 'nodes'; cluster?: string }>) => Promise<Outcome>,
) {
  return defineOperation({ ...OPERATIONS.nodes, mutates: true, preview: undefined, run });
}

/** The action ids of a message's buttons. */
export function buttonsOf(message: RecordedMessage): string[] {
  const ids: string[] = [];
  for (const block of message.blocks) {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) continue;
    for (const element of block.elements as Array<{ action_id?: string }>) {
      if (element.action_id) ids.push(element.action_id);
    }
  }
  return ids;
}
