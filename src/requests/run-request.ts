import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { ApprovalClosedError } from '../approvals/approval-closed-error.js';
import { START_PHASE } from '../approvals/approval-record.js';
import { type ApprovalServices, withApprovalServices } from '../approvals/approval-services.js';
import { runApprovalStage } from '../approvals/approval-stage.js';
import { awaitPhaseApproval } from '../approvals/phase-approval.js';
import { approvedByLine } from '../messages/approval-card.js';
import { lockRefusalText } from '../messages/drain-lock-refusal.js';
import { requestCard } from '../messages/request-card.js';
import {
  cancelledWhileRunningLine,
  failedAfterAttemptsLine,
  failedLine,
  LOCK_LOST_TEXT,
  retryingDetail,
  unreadableRequestLine,
} from '../messages/request-lines.js';
import type {
  ClusterPorts,
  ClusterRequest,
  JobContext,
  OperationCommand,
  PreviewContext,
} from '../operations/operation.js';
import { type AnyOperation, isOperationName } from '../operations/registry.js';
import { BosunError, CancelledError, ParkedError } from '../ops/errors.js';
import { guardMutations } from '../ops/locks/guard-mutations.js';
import {
  holdLocks,
  LockBusyError,
  LockLostError,
  type LockNeed,
  type LocksFresh,
} from '../ops/locks/hold-locks.js';
import { defer } from '../queue/defer.js';
import { OpsPayload, RequestMeta } from '../queue/payloads.js';
import { TERMINAL_STATES } from './request-store.js';
import { failedStep, type Lifecycle, settle } from './settle.js';
import { SupersededError } from './superseded.js';
import type { WorkerDeps } from './worker-deps.js';

/** The worker is shutting down; a resumable operation saves its step and stops. */
export class ShutdownError extends Error {
  constructor() {
    super('worker shutting down');
    this.name = 'ShutdownError';
  }
}

/**
 * The job came back to this worker while an earlier run of it still goes on: Redis lost the job's lock (an
 * outage longer than the lock, a failover) or the run stalled, and BullMQ's stalled-job check handed the job
 * out again. The earlier run stops at once and writes nothing; the new one resumes from the checkpoint and
 * tells the thread.
 */
export class JobLockLostError extends Error {
  constructor(readonly jobId: string) {
    super(`the lock of job ${jobId} is no longer this run's`);
    this.name = 'JobLockLostError';
  }
}

/** Active jobs by request id, so cancellations and shutdown reach them. */
export class ActiveJobs {
  private readonly active = new Map<string, { controller: AbortController; resumable: boolean }>();
  add(id: string, controller: AbortController, resumable: boolean): void {
    const earlier = this.active.get(id);
    if (earlier && earlier.controller !== controller) earlier.controller.abort(new JobLockLostError(id));
    this.active.set(id, { controller, resumable });
  }
  /** Forgets the run of `controller`; a later run of the same request (its job came back) stays reachable. */
  delete(id: string, controller: AbortController): void {
    if (this.active.get(id)?.controller === controller) this.active.delete(id);
  }
  cancel(id: string, user: string): void {
    this.active.get(id)?.controller.abort(new CancelledError(user));
  }
  /** Asks resumable jobs to checkpoint and stop; the others are left to finish. */
  shutdown(): void {
    for (const { controller, resumable } of this.active.values()) {
      if (resumable) controller.abort(new ShutdownError());
    }
  }
  get size(): number {
    return this.active.size;
  }
}

/** The operation named by the job, with its command decoded by the operation's own schema. */
interface Decoded {
  payload: OpsPayload;
  request: ClusterRequest;
  operation: AnyOperation;
  command: OperationCommand;
}

/**
 * The one processor of the ops queue: decodes the job, finds its operation in `deps.operations`, and runs it
 * (or its approval stage) inside the request's lifecycle. A job this worker cannot read ends its request with
 * a line in the thread saying so; it is never retried.
 */
export function requestJob(deps: WorkerDeps, active: ActiveJobs) {
  return async (job: Job, token?: string): Promise<unknown> =>
    await withApprovalServices(deps, async (services) => {
      const lifecycle: Lifecycle = {
        slash: deps.slash,
        requests: deps.requests,
        reporter: deps.reporter,
        audit: services.audit,
        clock: deps.clock,
      };
      const decoded = await decode(deps, lifecycle, job);
      if (decoded.payload.stage === 'approval') {
        const log = deps.logger.child({ requestId: decoded.request.id, op: job.name, stage: 'approval' });
        const { operation } = decoded;
        const previewContext = operationContext(
          deps,
          decoded,
          new AbortController().signal,
          log,
          undefined,
          {},
        );
        const { preview } = operation;
        return await runApprovalStage({
          payload: decoded.payload,
          job,
          token,
          worker: deps,
          services,
          preview: preview ? () => preview.call(operation, previewContext) : undefined,
        });
      }
      return await unlessSuperseded(deps, job, () =>
        runRequest(deps, active, services, lifecycle, decoded, job, token),
      );
    });
}

async function decode(deps: WorkerDeps, lifecycle: Lifecycle, job: Job): Promise<Decoded> {
  const unreadable = async (why: string, detail: string): Promise<never> => {
    deps.logger.error({ jobId: job.id, name: job.name, detail }, `job cannot run: ${why}`);
    const meta = RequestMeta.safeParse(job.data?.request);
    if (meta.success) {
      await settle(lifecycle, meta.data, {
        state: 'failed',
        detail: `this worker could not run it: ${why}`,
        thread: unreadableRequestLine(why, deps.slash),
        audit: { event: 'job-finished', outcome: 'failed', detail: `${why}: ${detail}` },
      });
    }
    throw new UnrecoverableError(`${why}: ${detail}`);
  };
  const parsed = OpsPayload.safeParse(job.data);
  if (!parsed.success) {
    return await unreadable(
      `its job does not decode (payload version ${String(job.data?.v)})`,
      parsed.error.message,
    );
  }
  const payload = parsed.data;
  const name = payload.command.name;
  if (!isOperationName(name) || job.name !== name) {
    return await unreadable(`it names an operation this worker does not know (\`${name}\`)`, job.name);
  }
  const operation: AnyOperation = deps.operations[name];
  const command = operation.command.safeParse(payload.command);
  if (!command.success) {
    return await unreadable(`its \`${name}\` command does not decode`, command.error.message);
  }
  const cluster = payload.request.cluster;
  if (!cluster) return await unreadable('it names no cluster', payload.request.id);
  return { payload, request: { ...payload.request, cluster }, operation, command: command.data };
}

/** What a job's context has beyond its preview's. */
type JobOnly = Omit<JobContext<OperationCommand>, keyof PreviewContext<OperationCommand>>;

/** The context an operation's preview and job share; the cluster's ports are built on first use. */
function operationContext<T extends object>(
  deps: WorkerDeps,
  decoded: Pick<Decoded, 'request' | 'command'>,
  signal: AbortSignal,
  log: Logger,
  fresh: LocksFresh | undefined,
  rest: T,
): PreviewContext<OperationCommand> & T {
  let ports: ClusterPorts | undefined;
  return {
    ...rest,
    request: decoded.request,
    command: decoded.command,
    signal,
    log,
    env: { config: deps.config, clock: deps.clock, slash: deps.slash },
    get ports() {
      ports ??= fresh
        ? guardMutations(deps.ports.cluster(decoded.request.cluster), fresh)
        : deps.ports.cluster(decoded.request.cluster);
      return ports;
    },
  };
}

/**
 * Renews the job's BullMQ lock under this run's token for as long as the run goes on. BullMQ renews it too, but
 * keeps one entry per job id: when a stalled job comes back to the same worker, the earlier run's end forgets
 * the new run's lock, which then expires and stalls the job again, and again until BullMQ fails it. A renewal
 * refused (the lock is another run's, or gone with an empty Redis) changes nothing; Redis unreachable neither.
 */
function keepJobLock(job: Job, token: string | undefined, lockMs: number): () => void {
  if (token === undefined) return () => undefined;
  const timer = setInterval(
    () => void job.extendLock(token, lockMs).catch(() => undefined),
    Math.max(100, Math.floor(lockMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A node or cluster lock outlives its job's lock until another worker can have taken the job over (the job
 * lock, then one stalled-job check), so a stalled job keeps its nodes until its successor takes them.
 */
export function nodeLockTtl(config: WorkerDeps['config']): number {
  return Math.max(config.drain.lockTtlMs, config.worker.lockDurationMs + config.worker.stalledIntervalMs);
}

function lockNeedOf(operation: AnyOperation, request: ClusterRequest, command: OperationCommand): LockNeed {
  const { lock } = operation;
  if (lock.scope === 'nodes') return { scope: 'nodes', cluster: request.cluster, nodes: lock.nodes(command) };
  if (lock.scope === 'cluster')
    return lock.unless?.(command) ? { scope: 'none' } : { scope: 'cluster', cluster: request.cluster };
  return { scope: 'none' };
}

/** Who holds what this request needs, with a link to their card where Slack gives one. */
async function lockRefusal(deps: WorkerDeps, error: LockBusyError): Promise<BosunError> {
  // Held by another installation (its Lease in the cluster): no request of ours to link to.
  const holder = error.heldBy.elsewhere ? undefined : await deps.requests.get(error.heldBy.requestId);
  const permalink = holder?.parentTs
    ? await deps.ports.permalink(holder.channel, holder.parentTs).catch(() => undefined)
    : undefined;
  return new BosunError('NODE_BUSY', lockRefusalText(error.heldBy, error.scope, permalink));
}

/**
 * Runs the request as its newest holder. When a later run took the request over (this worker stalled past its
 * job lock, and another took the job and perhaps finished it), every write this one tries is refused in Redis:
 * it stops here, says nothing in Slack and logs why. BullMQ then refuses to finish the job under the stale token.
 */
async function unlessSuperseded(deps: WorkerDeps, job: Job, run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof SupersededError)) throw error;
    deps.logger.warn(
      { requestId: error.requestId, fence: error.fence, jobId: job.id },
      'another worker took this request over while this one stalled; stopping without writing anything',
    );
    return { superseded: true };
  }
}

async function runRequest(
  deps: WorkerDeps,
  active: ActiveJobs,
  services: ApprovalServices,
  lifecycle: Lifecycle,
  decoded: Decoded,
  job: Job,
  token: string | undefined,
): Promise<unknown> {
  const { request, operation } = decoded;
  const log = deps.logger.child({
    requestId: request.id,
    cluster: request.cluster,
    user: request.user,
    op: operation.name,
  });
  const record = await deps.requests.get(request.id);
  if (record && TERMINAL_STATES.has(record.state)) {
    log.info({ state: record.state }, 'request already ended; nothing to do');
    return { alreadyEnded: record.state };
  }
  // From here on every write of this run carries its fence (none when the record is gone: an empty Redis).
  // The run holds a copy of the record, written back should Redis lose it while the run goes on.
  const fence = (await deps.requests.takeOver(request.id)) || undefined;
  // The run marks itself alive as long as it could hold its locks, so the reconciler leaves it to end the request.
  if (record && fence !== undefined) deps.requests.hold(record, fence, nodeLockTtl(deps.config));
  const stopRenewing = keepJobLock(job, token, deps.config.worker.lockDurationMs);
  try {
    return await runHeld(deps, active, services, lifecycle, decoded, job, token, { log, fence });
  } finally {
    stopRenewing();
    if (fence !== undefined) deps.requests.release(request.id, fence);
  }
}

/** The run itself, once it took the request over with `fence` (none when its record is gone). */
async function runHeld(
  deps: WorkerDeps,
  active: ActiveJobs,
  services: ApprovalServices,
  lifecycle: Lifecycle,
  decoded: Decoded,
  job: Job,
  token: string | undefined,
  { log, fence }: { log: Logger; fence: number | undefined },
): Promise<unknown> {
  const { payload, request, operation, command } = decoded;
  const fenced: Lifecycle = { ...lifecycle, fence };
  const approval = await services.approvals.get({ requestId: request.id, phase: START_PHASE });
  const approvedBy =
    approval?.state === 'approved'
      ? [
          approvedByLine(
            approval.votes.map((v) => v.user),
            approval.decidedAt,
          ),
        ]
      : [];
  const card = (
    state: 'running',
    detail?: string,
    extra: Parameters<JobContext<unknown>['progress']>[1] = {},
  ) =>
    deps.reporter.card(
      request,
      requestCard({
        requestId: request.id,
        text: request.text,
        slash: deps.slash,
        user: request.user,
        cluster: request.cluster,
        state,
        detail,
        ...extra,
        sections: [...approvedBy, ...(extra.sections ?? [])],
      }),
      fence,
    );
  const end = (step: Omit<Parameters<typeof settle>[2], 'sections'>) =>
    settle(fenced, request, { ...step, sections: approvedBy });
  // A job that ran before (retried, resumed, or woken from waiting for a person) may have changed things: it
  // runs, sees the cancellation on its signal at once, and reports what it did. One that never ran just ends.
  const ranBefore = job.attemptsStarted > 1;
  const cancelledBy = await deps.cancellations.cancelledBy(request.id);
  if (cancelledBy && !ranBefore) {
    await end({
      state: 'cancelled',
      detail: `by <@${cancelledBy}> before it started`,
      summary: `cancelled by ${cancelledBy} before it started`,
      audit: {
        event: 'job-finished',
        outcome: 'cancelled',
        detail: `by <@${cancelledBy}> before it started`,
      },
    });
    return { cancelled: true };
  }

  const attempts = job.opts.attempts ?? 1;
  const attempt = job.attemptsMade + 1;
  const attemptLine = attempt > 1 ? `attempt ${attempt} of ${attempts}` : undefined;
  await end({
    state: 'running',
    detail: attemptLine,
    audit: { event: 'job-started', outcome: ranBefore ? 'resumed' : 'started', detail: attemptLine },
  });

  const controller = new AbortController();
  if (cancelledBy) controller.abort(new CancelledError(cancelledBy));
  active.add(request.id, controller, operation.resumable);
  const reply: JobContext<unknown>['reply'] = async (message, attachment, key) => {
    await deps.reporter.reply(request, message, attachment, fence, key);
  };
  const fail = async (message: string, hint: string | undefined, thread = failedLine(message, hint)) => {
    await end({
      state: 'failed',
      detail: message,
      thread,
      audit: { event: 'job-finished', outcome: 'failed', detail: message },
    });
  };
  const started = deps.clock.now();
  try {
    const outcome = await holdLocks(
      lockNeedOf(operation, request, command),
      {
        lock: deps.ports.locks,
        clock: deps.clock,
        holder: {
          requestId: request.id,
          operation: operation.name,
          guard: fence === undefined ? undefined : deps.requests.fenceOf(request.id, fence),
        },
        ttlMs: nodeLockTtl(deps.config),
        jobLockMs: deps.config.worker.lockDurationMs,
        signal: controller.signal,
      },
      async (signal, fresh) =>
        await operation.run(
          operationContext<JobOnly>(deps, decoded, signal, log, fresh, {
            decisions: deps.ports.decisions(request.id),
            progress: async (detail, extra) => await card('running', detail, extra),
            reply,
            editReply: async (key, message) => await deps.reporter.editReply(request, key, message),
            approval: (ask) =>
              awaitPhaseApproval({ payload, job, token, worker: deps, services, fence }, ask),
            checkpoint: (key) => ({
              save: async (state) => {
                const data = { ...job.data, [key]: state };
                if (fence === undefined || job.id === undefined) return await job.updateData(data);
                // Fenced: a run taken over never overwrites its successor's checkpoint with an older one.
                await deps.requests.saveJobData(
                  request.id,
                  fence,
                  { queue: job.queueName, id: job.id },
                  data,
                );
                job.data = data;
              },
            }),
            saved: (key) => (job.data as Record<string, unknown>)[key],
          }),
        ),
    );
    const state = outcome.state ?? 'succeeded';
    await end({
      state,
      detail: outcome.summary,
      answer: outcome.answer?.blocks,
      audit: { event: 'job-finished', outcome: state, detail: outcome.summary },
    });
    log.info({ ms: deps.clock.now() - started, outcome: outcome.summary }, 'done');
    return outcome;
  } catch (error) {
    if (error instanceof DelayedError) {
      log.info('waiting for an approval; the job is delayed and holds no worker slot');
      throw error;
    }
    if (error instanceof ApprovalClosedError) {
      await end({
        state: error.state,
        detail: error.message,
        audit: { event: 'job-finished', outcome: error.state, detail: error.message },
      });
      log.info({ phase: error.record.phase }, `phase approval ${error.state}`);
      return { [error.state]: error.record.phase };
    }
    if (error instanceof CancelledError) {
      await end({
        state: 'cancelled',
        detail: error.by ? `by <@${error.by}>` : undefined,
        summary: error.message,
        thread: cancelledWhileRunningLine(error.by),
        audit: {
          event: 'job-finished',
          outcome: 'cancelled',
          detail: error.by ? `by <@${error.by}> while it ran` : 'while it ran',
        },
      });
      log.info('cancelled');
      return { cancelled: true };
    }
    if (error instanceof ParkedError) {
      log.info(
        { until: error.until },
        `waiting for ${error.waitingFor}; the job is delayed and holds no worker slot`,
      );
      throw await defer(job, token, Math.max(1, error.until - deps.clock.now()));
    }
    if (error instanceof JobLockLostError) {
      log.warn('the job came back to this worker while this run went on; stopping so the new run resumes it');
      return { jobLockLost: true };
    }
    if (error instanceof ShutdownError) {
      log.info('checkpointed for shutdown; another worker resumes it');
      await card('running', 'paused: worker restarting, it resumes shortly');
      throw await defer(job, token, 10);
    }
    const explained =
      error instanceof LockBusyError
        ? await lockRefusal(deps, error)
        : error instanceof LockLostError
          ? new BosunError('LOCK_LOST', LOCK_LOST_TEXT(error.what))
          : error;
    if (explained instanceof BosunError) {
      log.info({ code: explained.code }, explained.message);
      await end(failedStep(deps.slash, request, explained));
      throw new UnrecoverableError(`${explained.code}: ${explained.message}`);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (attempt < attempts) {
      log.warn({ err: error, attempt }, 'failed; retrying');
      await card('running', retryingDetail(attempt, attempts, message));
      throw error;
    }
    log.error({ err: error }, 'failed for good');
    await fail(message, undefined, failedAfterAttemptsLine(attempts, message));
    throw error;
  } finally {
    active.delete(request.id, controller);
  }
}
