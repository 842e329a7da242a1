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
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 7 * 86400, count: 10_000 },
      removeOnFail: { age: 14 * 86400 },
    });
  }

  /** Removes a job that has not started; false when it is running or gone. */
  async removeIfWaiting(requestId: string): Promise<boolean> {
    const job = await this.queue.getJob(requestId);
    if (!job) return false;
    const state = await job.getState();
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
