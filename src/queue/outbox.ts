import type { JobsOptions, Queue } from 'bullmq';
import type { OutboxPayload } from './payloads.js';

/**
 * The producer side of the outbox queue: every Slack write is one job here, delivered by the outbox worker
 * (src/adapters/slack/outbox-sender.ts), which paces channels, keeps thread order and retries.
 */
export class Outbox {
  constructor(private readonly queue: Queue) {}

  async enqueue(payload: OutboxPayload, jobId?: string): Promise<void> {
    const options: JobsOptions = {
      jobId,
      // Delivery retries are the sender's own (it waits for Retry-After and backs off on 5xx without using
      // attempts); attempts here only cover a worker crashing mid-send.
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 5000 },
      removeOnFail: { age: 7 * 86400 },
    };
    await this.queue.add(payload.kind, payload, options);
  }
}
