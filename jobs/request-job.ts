import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { notice } from '../src/messages/notice.js';
import type { CardView } from '../src/messages/request-card.js';
import { requestCard } from '../src/messages/request-card.js';
import { BosunError, CancelledError } from '../src/ops/errors.js';
import { defer } from '../src/queue/defer.js';
import { OpsPayload, type SlackMessage } from '../src/queue/payloads.js';
import type { RequestState } from '../src/queue/requests.js';
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
}

export interface Outcome {
  /** One line for the card and `/bosun jobs`. */
  summary: string;
  state?: Extract<RequestState, 'succeeded' | 'failed'>;
}

export interface OperationJob {
  run(ctx: JobContext): Promise<Outcome>;
  /** Long operations that checkpoint in job data: on shutdown they are aborted and resumed elsewhere. */
  resumable?: boolean;
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
    const card = (view: Omit<CardView, keyof typeof cardBase>) =>
      deps.reporter.card(request, requestCard({ ...cardBase, ...view }));

    const cancelledBy = await deps.cancellations.cancelledBy(request.id);
    if (cancelledBy) {
      if (await deps.requests.transition(request.id, 'cancelled', `cancelled by ${cancelledBy}`)) {
        await card({ state: 'cancelled', detail: `by <@${cancelledBy}> before it started` });
      }
      return { cancelled: true };
    }
    const record = await deps.requests.get(request.id);
    if (
      record &&
      (record.state === 'succeeded' || record.state === 'failed' || record.state === 'cancelled')
    ) {
      log.info({ state: record.state }, 'request already ended; nothing to do');
      return { alreadyEnded: record.state };
    }

    const attempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    await deps.requests.transition(request.id, 'running');
    await card({ state: 'running', detail: attempt > 1 ? `attempt ${attempt} of ${attempts}` : undefined });

    const controller = new AbortController();
    active.add(request.id, controller, operation.resumable === true);
    const ctx: JobContext = {
      payload,
      job,
      signal: controller.signal,
      log,
      deps,
      progress: (detail, extra) => card({ state: 'running', detail, ...extra }),
      reply: (message, attachment) => deps.reporter.reply(request, message, attachment),
    };
    const started = deps.clock.now();
    try {
      const outcome = await operation.run(ctx);
      const state = outcome.state ?? 'succeeded';
      await deps.requests.transition(request.id, state, outcome.summary);
      await card({ state, detail: outcome.summary });
      log.info({ ms: deps.clock.now() - started, outcome: outcome.summary }, 'done');
      return outcome;
    } catch (error) {
      if (error instanceof CancelledError) {
        await deps.requests.transition(request.id, 'cancelled', error.message);
        await card({ state: 'cancelled', detail: error.by ? `by <@${error.by}>` : undefined });
        log.info('cancelled');
        return { cancelled: true };
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
        throw new UnrecoverableError(`${error.code}: ${error.message}`);
      }
      const message = error instanceof Error ? error.message : String(error);
      if (attempt < attempts) {
        log.warn({ err: error, attempt }, 'failed; retrying');
        await card({
          state: 'running',
          detail: `retrying after an error (attempt ${attempt} of ${attempts}): ${message}`,
        });
        throw error;
      }
      log.error({ err: error }, 'failed for good');
      await ctx.reply(notice('error', `Failed after ${attempts} attempts: ${message}`));
      await deps.requests.transition(request.id, 'failed', message);
      await card({ state: 'failed', detail: message });
      throw error;
    } finally {
      active.delete(request.id);
    }
  };
}
