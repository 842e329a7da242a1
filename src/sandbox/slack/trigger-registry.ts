import type { Clock } from '../../shared/clock.js';
import { SlackApiError } from './slack-api-error.js';

/** Slack lets an app open a modal with a trigger_id for 3 seconds after the user acted, once. */
export const TRIGGER_TTL_MS = 3000;

export interface TriggerContext {
  triggerId: string;
  user: string;
  channel: string | undefined;
  issuedAt: number;
}

/** Trigger ids the stand-in handed out with deliveries, and which of them were exchanged for a modal. */
export class TriggerRegistry {
  readonly #issued = new Map<string, TriggerContext & { exchanged: boolean }>();

  constructor(private readonly clock: Clock) {}

  /** Records a trigger id; issuing a known one again is a redelivery and keeps its first context. */
  issue(triggerId: string, user: string, channel: string | undefined): { redelivery: boolean } {
    if (this.#issued.has(triggerId)) return { redelivery: true };
    this.#issued.set(triggerId, { triggerId, user, channel, issuedAt: this.clock.now(), exchanged: false });
    return { redelivery: false };
  }

  /** What `views.open` does with a trigger id: the errors are Slack's. */
  exchange(triggerId: string): TriggerContext {
    const trigger = this.#issued.get(triggerId);
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    if (this.clock.now() - trigger.issuedAt > TRIGGER_TTL_MS) throw new SlackApiError('expired_trigger_id');
    if (trigger.exchanged) throw new SlackApiError('exchanged_trigger_id');
    trigger.exchanged = true;
    return trigger;
  }
}
