import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';

/**
 * Cancel requests travel through Redis: a flag (so a job that starts later sees it) and a pub/sub message (so a
 * running job stops now, whichever worker runs it).
 */
export class Cancellations {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async request(requestId: string, user: string): Promise<void> {
    await this.redis.set(this.keys.cancel(requestId), user, 'EX', 86400);
    await this.redis.publish(this.keys.cancelChannel(), JSON.stringify({ requestId, user }));
  }

  /** Who cancelled the request, if anyone did. */
  async cancelledBy(requestId: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.cancel(requestId))) ?? undefined;
  }

  /** Listens for cancellations on a dedicated connection (a subscribed connection can do nothing else). */
  async subscribe(
    subscriber: RedisClient,
    onCancel: (requestId: string, user: string) => void,
  ): Promise<void> {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.keys.cancelChannel()) return;
      try {
        const { requestId, user } = JSON.parse(message) as { requestId: string; user: string };
        onCancel(requestId, user);
      } catch {
        // not ours
      }
    });
    await subscriber.subscribe(this.keys.cancelChannel());
  }
}
