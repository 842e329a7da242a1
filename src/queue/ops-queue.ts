import type { Queue } from 'bullmq';
import type { OpsPayload } from './payloads.js';

/**
 * The producer side of the `ops` queue. The job id is the request id, so a redelivered command or a second
 * approval enqueues nothing new. Transient failures retry with exponential backoff; user errors fail at once
 * (jobs throw UnrecoverableError for them).
 */
export class OpsQueue {
  constructor(readonly queue: Queue) {}

  async enqueue(payload: OpsPayload): Promise<void> {
    await this.queue.add(payload.command.name, payload, {
      jobId: payload.request.id,
      attempts: 4,
      backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
      removeOnComplete: { age: 7 * 86400, count: 10_000 },
      removeOnFail: { age: 14 * 86400 },
    });
  }

  /**
   * Removes a job that has not started; false when it is running, has run before, or is gone. A job that ran
   * before and now waits (parked for a person, or delayed for a retry) is woken instead, so that it sees the
   * cancellation itself and reports what it had done.
   */
  async removeIfWaiting(requestId: string): Promise<boolean> {
    const job = await this.queue.getJob(requestId);
    if (!job) return false;
    const state = await job.getState();
    if (job.attemptsStarted > 0) {
      if (state === 'delayed') await job.promote().catch(() => undefined);
      return false;
    }
    if (
      state !== 'waiting' &&
      state !== 'delayed' &&
      state !== 'prioritized' &&
      state !== 'waiting-children'
    ) {
      return false;
    }
    try {
      await job.remove();
      return true;
    } catch {
      return false; // it started between the check and the removal
    }
  }
}
