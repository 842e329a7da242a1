import { type Job, UnrecoverableError } from 'bullmq';
import { IntakePayload } from '../queue/intake-queue.js';
import type { SlackMessage } from '../queue/payloads.js';
import { type IntakeContext, takeIn } from './take-in.js';

/**
 * The processor of the `intake` queue: a command the bot recorded but did not finish (it died, or Redis failed
 * it halfway) is taken in here, by whichever worker holds the job; the step is idempotent, and the job retries
 * until it completes.
 */
export function intakeProcessor(
  ctx: IntakeContext,
  respond: (url: string, message: SlackMessage) => Promise<void>,
): (job: Job) => Promise<void> {
  return async (job) => {
    const parsed = IntakePayload.safeParse(job.data);
    if (!parsed.success) {
      ctx.logger.error({ jobId: job.id, error: parsed.error.message }, 'unreadable intake dropped');
      throw new UnrecoverableError(`unreadable intake: ${parsed.error.message}`);
    }
    const intake = parsed.data;
    const log = ctx.logger.child({
      requestId: intake.request.id,
      user: intake.request.user,
      channel: intake.request.channel,
      intake: 'worker',
    });
    log.info({ attempt: job.attemptsMade + 1 }, 'finishing a command the bot recorded');
    const { answer } = await takeIn(ctx, intake, log);
    if (answer && intake.responseUrl) await respond(intake.responseUrl, answer);
  };
}
