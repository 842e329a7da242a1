import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_LOST_DETAIL, jobLostLine } from '../messages/request-lines.js';
import type { RedisClient } from '../queue/connection.js';
import { intakeJobId } from '../queue/intake-queue.js';
import type { Keys } from '../queue/keys.js';
import type { OpsQueue } from '../queue/ops-queue.js';
import type { Clock } from '../shared/clock.js';
import { TERMINAL_STATES } from './request-store.js';
import { type Lifecycle, settle } from './settle.js';

/** What one sweep did, by kind; the worker logs it. */
export interface SweepReport {
  /** Open requests looked at. */
  looked: number;
  /** Queued requests whose job was gone, enqueued again (the job id is the request id, so once). */
  requeued: number;
  /** Requests whose job is gone for good, ended as failed with the truth in card and thread. */
  closed: number;
  /** Ids whose record is gone or ended, dropped from the open index. */
  forgotten: number;
}

export interface ReconcilerDeps {
  redis: RedisClient;
  keys: Keys;
  ops: OpsQueue;
  /** The `intake` queue: a request whose intake job is still alive is the intake's to finish. */
  intake: Queue;
  clock: Clock;
  logger: Logger;
}

/** A BullMQ job that will still run (or is running): anything but gone, completed or failed. */
async function alive(job: Job | undefined): Promise<boolean> {
  if (!job) return false;
  const state = await job.getState();
  return state !== 'completed' && state !== 'failed' && state !== 'unknown';
}

const SWEEP_LOCK_MS = 60_000;

/**
 * Finds requests left between steps and finishes them, or closes them with the truth. Every step of a request
 * is idempotent and keyed by its id, so a crash leaves the record and its jobs in one of few shapes; after a
 * Redis failover (which may lose the last writes) or a job removed by hand, the record can outlive its job:
 *
 * - the intake job is alive: the intake step will finish the request; nothing to do;
 * - queued, no job (or only the approval's stage, done): enqueue it again; a cancel on record still wins, as the
 *   job reads it before it starts;
 * - running or waiting for approval, and no job will run it: end it as failed, the card and the thread saying
 *   the job was lost and whether it had started, so nobody waits on a card that says "Running" forever;
 * - the record is gone (it expired, Redis restarted empty) or ended: drop it from the index;
 * - a run still works on the request (its `run-alive` mark lives: its job was lost, or failed by BullMQ as stalled,
 *   or Redis restarted empty and the run wrote its record back): leave it; the run ends it with the truth, and the
 *   mark expires with the run (the locks' TTL) should it die.
 *
 * Only requests older than `olderThanMs` are looked at, one sweep at a time across workers (a lock in Redis).
 */
export class Reconciler {
  constructor(
    private readonly deps: ReconcilerDeps,
    private readonly olderThanMs: number,
  ) {}

  async sweep(lifecycle: Lifecycle): Promise<SweepReport> {
    const report: SweepReport = { looked: 0, requeued: 0, closed: 0, forgotten: 0 };
    const { redis, keys, clock, logger } = this.deps;
    const owner = `${process.pid}-${clock.now()}`;
    const locked = await redis.set(keys.reconcileLock(), owner, 'PX', SWEEP_LOCK_MS, 'NX');
    if (locked !== 'OK') return report;
    try {
      const ids = await lifecycle.requests.openBefore(clock.now() - this.olderThanMs);
      for (const id of ids) {
        report.looked++;
        try {
          const outcome = await this.reconcile(lifecycle, id);
          if (outcome !== 'left') report[outcome]++;
        } catch (err) {
          logger.warn({ err, requestId: id }, 'could not reconcile a request; the next sweep tries again');
        }
      }
    } finally {
      await redis.eval(
        `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
        1,
        keys.reconcileLock(),
        owner,
      );
    }
    return report;
  }

  private async reconcile(lifecycle: Lifecycle, id: string): Promise<keyof SweepReport | 'left'> {
    const { requests } = lifecycle;
    const record = await requests.get(id);
    if (!record || TERMINAL_STATES.has(record.state)) {
      await requests.forgetOpen(id);
      return 'forgotten';
    }
    const queue = this.deps.ops.queue;
    if (await alive(await this.deps.intake.getJob(intakeJobId(id)))) return 'left';
    if (await alive(await queue.getJob(id))) return 'left';
    // Whatever BullMQ says of its job, a run that still goes on ends the request itself.
    if (await requests.runAlive(id)) return 'left';
    const log = this.deps.logger.child({ requestId: id, state: record.state });
    if (record.state === 'awaiting-approval' && (await alive(await queue.getJob(`${id}-approval`)))) {
      return 'left';
    }
    if (record.state === 'queued' && record.command && record.cluster && !(await queue.getJob(id))) {
      const { state: _state, updatedAt: _u, parentTs: _p, summary: _s, command, ...meta } = record;
      await this.deps.ops.enqueue({ v: 1, request: meta, command });
      log.warn('queued request had no job; enqueued it again');
      return 'requeued';
    }
    const started = record.state === 'running';
    await settle(lifecycle, record, {
      state: 'failed',
      detail: JOB_LOST_DETAIL,
      summary: started ? 'job lost while running' : 'job lost before it started',
      thread: jobLostLine(started, lifecycle.slash),
      audit: {
        event: 'job-finished',
        outcome: 'failed',
        detail: started ? 'job lost while running' : 'job lost before it started',
      },
    });
    log.warn('request whose job is gone closed as failed');
    return 'closed';
  }
}
