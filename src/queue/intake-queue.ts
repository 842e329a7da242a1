import type { Queue } from 'bullmq';
import { z } from 'zod';
import { CommandRef, RequestMeta } from './payloads.js';

/**
 * A slash command that will become a request, as the bot wrote it before acking: everything the intake step
 * needs to finish it (authorize, card, job, audit, the answer), so that any bot or worker can.
 */
export const IntakePayload = z.object({
  v: z.literal(1),
  request: RequestMeta,
  command: CommandRef,
  /** Where the requester's answer goes (a refusal): the command's response_url. */
  responseUrl: z.string().optional(),
});
export type IntakePayload = z.infer<typeof IntakePayload>;

export const intakeJobId = (requestId: string) => `${requestId}-intake`;

/** Redis did not take the intake within the ack's budget; the command was not recorded. */
export class IntakeTimeoutError extends Error {
  constructor(readonly budgetMs: number) {
    super(`Redis did not answer within ${budgetMs} ms`);
    this.name = 'IntakeTimeoutError';
  }
}

export interface IntakeTiming {
  /** How long the ack may wait for the write (well inside Slack's 3 s). */
  budgetMs: number;
  /** How long after the write a worker picks the intake up if the bot has not finished it (the backstop). */
  backstopMs: number;
}

export const DEFAULT_INTAKE_TIMING: IntakeTiming = { budgetMs: 1500, backstopMs: 5000 };

/**
 * The producer side of the `intake` queue: one BullMQ add (one Lua script) makes a command durable before the
 * bot acks it. The job is delayed by the backstop: the bot finishes the intake itself at once and removes the
 * job; if the bot dies first, a worker runs the same idempotent step when the delay is up, retrying until it
 * completes.
 */
export class IntakeQueue {
  constructor(
    readonly queue: Queue,
    private readonly timing: IntakeTiming = DEFAULT_INTAKE_TIMING,
  ) {}

  /** Writes the intake, or throws within the budget; a write that lands after the budget is taken back. */
  async record(payload: IntakePayload): Promise<void> {
    const jobId = intakeJobId(payload.request.id);
    const add = this.queue.add('intake', payload, {
      jobId,
      delay: this.timing.backstopMs,
      attempts: 30,
      backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
      removeOnComplete: { age: 86400, count: 10_000 },
      removeOnFail: { age: 14 * 86400 },
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.timing.budgetMs);
    });
    try {
      const outcome = await Promise.race([add, late]);
      if (outcome === 'late') {
        // The requester is told it failed; a write that lands afterwards must not run behind their back.
        add.then(
          () => this.queue.remove(jobId).catch(() => undefined),
          () => undefined,
        );
        throw new IntakeTimeoutError(this.timing.budgetMs);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** The intake is finished; its backstop is no longer needed (false if a worker holds it right now). */
  async done(requestId: string): Promise<boolean> {
    try {
      return (await this.queue.remove(intakeJobId(requestId))) === 1;
    } catch {
      return false;
    }
  }
}
