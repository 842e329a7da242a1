import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { ActiveJobs, opsProcessor } from '../../jobs/index.js';
import { ChannelRateLimiter } from '../adapters/slack/channel-rate-limit.js';
import { createOutboxProcessor } from '../adapters/slack/outbox-sender.js';
import { respondThroughUrl } from '../adapters/slack/response-url.js';
import { createWebClient } from '../adapters/slack/web-client.js';
import { withApprovalServices } from '../approvals/approval-services.js';
import type { Config } from '../config/schema.js';
import { intakeProcessor } from '../intake/intake-job.js';
import { OPERATIONS } from '../operations/registry.js';
import { redisReachable, workerConnection } from '../queue/connection.js';
import { Keys } from '../queue/keys.js';
import { INTAKE_QUEUE, OPS_QUEUE, OUTBOX_QUEUE, SCHEDULES_QUEUE } from '../queue/names.js';
import { OpsQueue } from '../queue/ops-queue.js';
import { Outbox } from '../queue/outbox.js';
import { logQueueErrors } from '../queue/queue-errors.js';
import { Cancellations } from '../requests/cancellations.js';
import { Reconciler } from '../requests/reconciler.js';
import { RequestReporter } from '../requests/request-reporter.js';
import { RequestStore } from '../requests/request-store.js';
import type { WorkerDeps } from '../requests/worker-deps.js';
import { RedisNoticeLedger } from '../schedules/notice-ledger.js';
import { notifySettings } from '../schedules/notify-settings.js';
import { MISSED_CHECK_SCHEDULER, ScheduleStore } from '../schedules/schedule-store.js';
import { schedulesProcessor } from '../schedules/scheduled-backups.js';
import { BOSUN_VERSION } from '../shared/bosun-version.js';
import { systemClock } from '../shared/clock.js';
import { startHealthServer } from './health-server.js';
import { workerPorts } from './worker-ports.js';

export interface RunningWorker {
  healthPort: number;
  /** Graceful: stop taking jobs, let short jobs finish and long ones checkpoint, then close. */
  stop(): Promise<void>;
}

/** `bosun worker`: runs operation jobs against clusters and delivers the outbox to Slack. */
export async function startWorker(config: Config, logger: Logger): Promise<RunningWorker> {
  const keys = new Keys(config.redis.prefix);
  const prefix = keys.bullPrefix;
  const connection = workerConnection(config.redis, { connectionName: 'bosun-worker' });
  const subscriber = workerConnection(config.redis, { connectionName: 'bosun-worker-cancellations' });
  const requests = new RequestStore(connection, keys);
  const outboxQueue = new Queue(OUTBOX_QUEUE, { connection, prefix });
  const reporter = new RequestReporter(requests, new Outbox(outboxQueue));
  const cancellations = new Cancellations(connection, keys);
  const active = new ActiveJobs();
  const schedulesQueue = new Queue(SCHEDULES_QUEUE, { connection, prefix });
  const schedules = new ScheduleStore(connection, keys, schedulesQueue, systemClock);
  await cancellations.subscribe(subscriber, (requestId, user) => active.cancel(requestId, user));

  const deps: WorkerDeps = {
    config,
    slash: config.slack.command,
    redis: connection,
    operations: OPERATIONS,
    ports: workerPorts(config, connection, systemClock, logger, schedules),
    requests,
    reporter,
    cancellations,
    clock: systemClock,
    logger,
  };
  const timing = {
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: config.worker.stalledIntervalMs,
    maxStalledCount: 2,
  };

  const opsConnection = workerConnection(config.redis, { connectionName: 'bosun-worker-ops' });
  const outboxConnection = workerConnection(config.redis, { connectionName: 'bosun-worker-outbox' });
  const opsWorker = new Worker(OPS_QUEUE, opsProcessor(deps, active), {
    connection: opsConnection,
    prefix,
    concurrency: config.worker.concurrency,
    ...timing,
  });
  const web = createWebClient(config.slack.botToken ?? '', logger, config.slack.apiUrl);
  const intakeConnection = workerConnection(config.redis, { connectionName: 'bosun-worker-intake' });
  const opsQueue = new Queue(OPS_QUEUE, { connection, prefix });
  const opsProducer = new OpsQueue(opsQueue);
  const intakeQueue = new Queue(INTAKE_QUEUE, { connection, prefix });
  logQueueErrors(logger, outboxQueue, opsQueue, intakeQueue);
  const intakeWorker = new Worker(
    INTAKE_QUEUE,
    intakeProcessor({ ...deps, ops: opsProducer }, (url, message) => respondThroughUrl(url, message)),
    { connection: intakeConnection, prefix, concurrency: 8, ...timing },
  );
  const outboxWorker = new Worker(
    OUTBOX_QUEUE,
    createOutboxProcessor({
      web,
      requests,
      limiter: new ChannelRateLimiter(connection),
      keys,
      logger,
      notices: new RedisNoticeLedger(connection, keys),
    }),
    { connection: outboxConnection, prefix, concurrency: 16, ...timing },
  );
  // Backup schedules: BullMQ job schedulers in Redis fire on whichever worker runs (src/schedules).
  const schedulesConnection = workerConnection(config.redis, { connectionName: 'bosun-worker-schedules' });
  const schedulesWorker = new Worker(
    SCHEDULES_QUEUE,
    schedulesProcessor({
      config,
      store: schedules,
      cluster: (name) => deps.ports.cluster(name),
      outbox: new Outbox(outboxQueue),
      clock: systemClock,
      logger: logger.child({ queue: SCHEDULES_QUEUE }),
      slash: config.slack.command,
      bosunVersion: BOSUN_VERSION,
    }),
    // One run at a time: two backups of one cluster at once would share its staging folder.
    { connection: schedulesConnection, prefix, concurrency: 1, ...timing },
  );
  await schedulesQueue.upsertJobScheduler(
    MISSED_CHECK_SCHEDULER,
    { every: notifySettings(config).missedCheckEveryMs },
    {
      name: 'missed-check',
      data: { v: 1, kind: 'missed-check' },
      opts: { removeOnComplete: 10, removeOnFail: 10 },
    },
  );
  for (const worker of [opsWorker, intakeWorker, outboxWorker, schedulesWorker]) {
    worker.on('error', (err) => logger.error({ err, queue: worker.name }, 'worker error'));
    worker.on('stalled', (jobId) => logger.warn({ jobId, queue: worker.name }, 'job stalled; recovered'));
  }

  const reconciler = new Reconciler(
    { redis: connection, keys, ops: opsProducer, intake: intakeQueue, clock: systemClock, logger },
    config.intake.reconcileAfterMs,
  );
  const sweep = async () => {
    try {
      const report = await withApprovalServices(deps, (services) =>
        reconciler.sweep({ slash: deps.slash, requests, reporter, clock: deps.clock, audit: services.audit }),
      );
      if (report.requeued + report.closed + report.forgotten > 0)
        logger.warn(report, 'reconciled open requests');
    } catch (err) {
      logger.warn({ err }, 'could not sweep open requests; trying again later');
    }
  };
  const sweeps = setInterval(() => void sweep(), config.intake.reconcileEveryMs);
  sweeps.unref();

  const health = await startHealthServer({
    port: config.health.workerPort,
    ready: async () => (await redisReachable(connection)) && opsWorker.isRunning(),
  });
  logger.info({ healthPort: health.port, concurrency: config.worker.concurrency }, 'worker started');

  let stopping: Promise<void> | undefined;
  return {
    healthPort: health.port,
    stop() {
      stopping ??= (async () => {
        logger.info({ active: active.size }, 'stopping: finishing or checkpointing active jobs');
        clearInterval(sweeps);
        active.shutdown();
        await opsWorker.close();
        await intakeWorker.close();
        await schedulesWorker.close();
        await outboxWorker.close();
        await schedulesQueue.close();
        await outboxQueue.close();
        await opsProducer.queue.close();
        await intakeQueue.close();
        await health.close();
        for (const redis of [
          subscriber,
          connection,
          opsConnection,
          intakeConnection,
          outboxConnection,
          schedulesConnection,
        ])
          redis.disconnect();
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}
