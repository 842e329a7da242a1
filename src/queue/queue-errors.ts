import type { Queue } from 'bullmq';
import type { Logger } from 'pino';

/**
 * A BullMQ Queue without an 'error' listener prints its connection errors to the console; these go to the
 * log instead, one structured line per error, while ioredis reconnects.
 */
export function logQueueErrors(logger: Logger, ...queues: Queue[]): void {
  for (const queue of queues) {
    queue.on('error', (err) => logger.warn({ err, queue: queue.name }, 'queue cannot reach Redis; retrying'));
  }
}
