import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { ApprovalClosedError } from '../src/approvals/approval-closed-error.js';
import { START_PHASE } from '../src/approvals/approval-record.js';
import { type ApprovalServices, withApprovalServices } from '../src/approvals/approval-services.js';
import { type ApprovalPreview, runApprovalStage } from '../src/approvals/approval-stage.js';
import { awaitPhaseApproval, type PhaseApprovalRequest } from '../src/approvals/phase-approval.js';
import { JobAudit } from '../src/audit/job-audit.js';
import { approvedByLine } from '../src/messages/approval-card.js';
import { notice } from '../src/messages/notice.js';
import type { CardView } from '../src/messages/request-card.js';
import { requestCard } from '../src/messages/request-card.js';
import { BosunError, CancelledError, ParkedError } from '../src/ops/errors.js';
import { defer } from '../src/queue/defer.js';
import { OpsPayload, type SlackMessage } from '../src/queue/payloads.js';
import { type RequestState, TERMINAL_STATES } from '../src/queue/requests.js';
import type { Attachment } from '../src/report/request-reporter.js';
import type { WorkerDeps } from './deps.js';

/** The worker is shutting down; a resumable operation saves its step and stops. */
export class ShutdownError extends Error {
  constructor() {
    super('worker shutting down');
    this.name = 'ShutdownError';
  }
}

/** What an operation's job sees: its payload, a signal, and ways to speak in the request's thread. */
export interface JobContext {
  payload: OpsPayload;
  job: Job;
  /** Aborted on cancel (reason CancelledError) or, for resumable jobs, on shutdown (reason ShutdownError). */
  signal: AbortSignal;
  log: Logger;
  deps: WorkerDeps;
  /** Shows progress on the card (state stays "running"). */
  progress(detail: string, extra?: Pick<CardView, 'sections' | 'buttons'>): Promise<void>;
  reply(message: SlackMessage, attachment?: Attachment): Promise<void>;
  /**
   * Asks for a further approval at a phase boundary (policy decides who and how many; at least one). Resolves
   * once approved. While people decide the job is delayed, holding no worker slot; the decision starts it again
   * from the top, so record your step in job data before asking and resume from it (the second ask resolves at
   * once). Throws ApprovalClosedError when rejected or expired (catch it to tidy up, then rethrow).
   */
  approval(request: PhaseApprovalRequest): Promise<void>;
}

export type { ApprovalPreview };

/** What a preview may use: read-only, before anyone approved anything. */
export type PreviewContext = Pick<JobContext, 'payload' | 'signal' | 'log' | 'deps'>;

export interface Outcome {
  /** One line for the card and `/bosun jobs`. */
  summary: string;
  state?: Extract<RequestState, 'succeeded' | 'failed'>;
}

export interface OperationJob {
  run(ctx: JobContext): Promise<Outcome>;
  /** Long operations that checkpoint in job data: on shutdown they are aborted and resumed elsewhere. */
  resumable?: boolean;
  /**
   * What the operation would do, for its approval card (a drain's pods, room and blocking PDBs): read-only,
   * run by the approval stage before the card is posted. Without it the card shows the command.
   */
  preview?(ctx: PreviewContext): Promise<ApprovalPreview>;
}

/** Active jobs by request id, so cancellations and shutdown reach them. */
export class ActiveJobs {
  private readonly active = new Map<string, { controller: AbortController; resumable: boolean }>();
  add(id: string, controller: AbortController, resumable: boolean): void {
    this.active.set(id, { controller, resumable });
  }
  delete(id: string): void {
    this.active.delete(id);
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

/**
 * Wraps an operation in the request's lifecycle: decode the payload, honour a cancel that came first, mark it
 * running, run it, and report the outcome on the card and in the thread. User errors fail at once; other errors
 * retry with backoff and say so on the card.
 */
export function requestJob(operation: OperationJob, deps: WorkerDeps, active: ActiveJobs) {
  return async (job: Job, token?: string): Promise<unknown> => {
    const parsed = OpsPayload.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ jobId: job.id, issues: parsed.error.issues }, 'job payload does not decode');
      throw new UnrecoverableError(
        `job payload does not decode (version ${String(job.data?.v)}): ${parsed.error.message}`,
      );
    }
    const payload = parsed.data;
    return await withApprovalServices(deps, async (services) => {
      if (payload.stage === 'approval') {
        const { preview } = operation;
        const signal = new AbortController().signal;
        const log = deps.logger.child({ requestId: payload.request.id, op: job.name, stage: 'approval' });
        return await runApprovalStage({
          payload,
          job,
          token,
          worker: deps,
          services,
          preview: preview ? () => preview.call(operation, { payload, signal, log, deps }) : undefined,
        });
      }
      return await runRequest(operation, deps, active, services, payload, job, token);
    });
  };
}

async function runRequest(
  operation: OperationJob,
  deps: WorkerDeps,
  active: ActiveJobs,
  services: ApprovalServices,
  payload: OpsPayload,
  job: Job,
  token: string | undefined,
): Promise<unknown> {
  const { request } = payload;
  const log = deps.logger.child({
    requestId: request.id,
    cluster: request.cluster,
    user: request.user,
    op: job.name,
  });
  const cardBase = {
    requestId: request.id,
    text: request.text,
    slash: deps.slash,
    user: request.user,
    cluster: request.cluster,
  };
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
  const card = (view: Omit<CardView, keyof typeof cardBase>) =>
    deps.reporter.card(
      request,
      requestCard({ ...cardBase, ...view, sections: [...approvedBy, ...(view.sections ?? [])] }),
    );
  const audit = new JobAudit(services.audit, request, deps.clock);

  // A job that ran before (retried, resumed, or woken from waiting for a person) may have changed things: it
  // runs, sees the cancellation on its signal at once, and reports what it did. One that never ran just ends.
  const ranBefore = job.attemptsStarted > 1;
  const cancelledBy = await deps.cancellations.cancelledBy(request.id);
  if (cancelledBy && !ranBefore) {
    if (await deps.requests.transition(request.id, 'cancelled', `cancelled by ${cancelledBy}`)) {
      await card({ state: 'cancelled', detail: `by <@${cancelledBy}> before it started` });
      await audit.finished('cancelled', `by ${cancelledBy} before it started`);
    }
    return { cancelled: true };
  }
  const record = await deps.requests.get(request.id);
  if (record && TERMINAL_STATES.has(record.state)) {
    log.info({ state: record.state }, 'request already ended; nothing to do');
    return { alreadyEnded: record.state };
  }

  const attempts = job.opts.attempts ?? 1;
  const attempt = job.attemptsMade + 1;
  await deps.requests.transition(request.id, 'running');
  await card({ state: 'running', detail: attempt > 1 ? `attempt ${attempt} of ${attempts}` : undefined });
  await audit.started(job.attemptsStarted > 1, attempt > 1 ? `attempt ${attempt} of ${attempts}` : undefined);

  const controller = new AbortController();
  if (cancelledBy) controller.abort(new CancelledError(cancelledBy));
  active.add(request.id, controller, operation.resumable === true);
  const ctx: JobContext = {
    payload,
    job,
    signal: controller.signal,
    log,
    deps,
    progress: async (detail, extra) => {
      await card({ state: 'running', detail, ...extra });
      await audit.progress(detail);
    },
    reply: async (message, attachment) => {
      await deps.reporter.reply(request, message, attachment);
      await audit.step(message.text);
    },
    approval: (ask) => awaitPhaseApproval({ payload, job, token, worker: deps, services }, ask),
  };
  const started = deps.clock.now();
  try {
    const outcome = await operation.run(ctx);
    const state = outcome.state ?? 'succeeded';
    await deps.requests.transition(request.id, state, outcome.summary);
    await card({ state, detail: outcome.summary });
    await audit.finished(state, outcome.summary);
    log.info({ ms: deps.clock.now() - started, outcome: outcome.summary }, 'done');
    return outcome;
  } catch (error) {
    if (error instanceof DelayedError) {
      log.info('waiting for an approval; the job is delayed and holds no worker slot');
      throw error;
    }
    if (error instanceof ApprovalClosedError) {
      await deps.requests.transition(request.id, error.state, error.message);
      await card({ state: error.state, detail: error.message });
      await audit.finished(error.state, error.message);
      log.info({ phase: error.record.phase }, `phase approval ${error.state}`);
      return { [error.state]: error.record.phase };
    }
    if (error instanceof CancelledError) {
      await deps.requests.transition(request.id, 'cancelled', error.message);
      await card({ state: 'cancelled', detail: error.by ? `by <@${error.by}>` : undefined });
      await audit.finished('cancelled', error.message);
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
    if (error instanceof ShutdownError) {
      log.info('checkpointed for shutdown; another worker resumes it');
      await card({ state: 'running', detail: 'paused: worker restarting, it resumes shortly' });
      throw await defer(job, token, 10);
    }
    if (error instanceof BosunError) {
      log.info({ code: error.code }, error.message);
      await ctx.reply(notice('error', `${error.message}${error.hint ? `\n${error.hint}` : ''}`));
      await deps.requests.transition(request.id, 'failed', error.message);
      await card({ state: 'failed', detail: error.message });
      await audit.finished('failed', error.message);
      throw new UnrecoverableError(`${error.code}: ${error.message}`);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (attempt < attempts) {
      log.warn({ err: error, attempt }, 'failed; retrying');
      await card({
        state: 'running',
        detail: `retrying after an error (attempt ${attempt} of ${attempts}): ${message}`,
      });
      await audit.step(`attempt ${attempt} of ${attempts} failed: ${message}`);
      throw error;
    }
    log.error({ err: error }, 'failed for good');
    await ctx.reply(notice('error', `Failed after ${attempts} attempts: ${message}`));
    await deps.requests.transition(request.id, 'failed', message);
    await card({ state: 'failed', detail: message });
    await audit.finished('failed', message);
    throw error;
  } finally {
    active.delete(request.id);
  }
}
