import { OperatorDecision, type OperatorDecisions } from '../ports/operator-decisions.js';
import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';

/** Pops everything in the list atomically, so two pollers never take the same decision. */
const TAKE_ALL = `
local items = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return items`;

/**
 * The way a button click reaches a running job, whichever worker runs it: the handler appends the decision to
 * a list in Redis; the job takes them in order when it next looks (every half second). The list outlives a
 * worker restart, so a decision made while a drain is being resumed is not lost.
 */
export class RequestDecisions {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  async send(requestId: string, decision: OperatorDecision): Promise<void> {
    const key = this.keys.decisions(requestId);
    await this.redis
      .multi()
      .rpush(key, JSON.stringify(decision))
      .expire(key, 7 * 86400)
      .exec();
  }

  /** The decisions sent to `requestId` since the last call; malformed entries are dropped. */
  inbox(requestId: string): OperatorDecisions {
    return {
      take: async () => {
        const raw = (await this.redis.eval(TAKE_ALL, 1, this.keys.decisions(requestId))) as string[];
        return raw.flatMap((entry) => {
          try {
            const parsed = OperatorDecision.safeParse(JSON.parse(entry));
            return parsed.success ? [parsed.data] : [];
          } catch {
            return [];
          }
        });
      },
    };
  }
}
