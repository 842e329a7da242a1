import { DelayedError, type Job } from 'bullmq';

/** Puts the job back as delayed for `ms` without using an attempt; the processor must return what this throws. */
export async function defer(job: Job, token: string | undefined, ms: number): Promise<DelayedError> {
  await job.moveToDelayed(Date.now() + Math.max(1, Math.round(ms)), token);
  return new DelayedError();
}
