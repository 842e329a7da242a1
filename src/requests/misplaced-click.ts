import { foreignButton, strayButton } from '../messages/approval-click-answers.js';
import type { Actor } from '../policy/principals.js';
import type { SlackMessage } from '../queue/payloads.js';

/** Why a click is refused: for the audit, and the answer its author sees. */
export interface Misplaced {
  outcome: string;
  answer: SlackMessage;
}

/**
 * A button (approve, reject, steer) acts only on the request whose card or thread it sits in: its value names
 * the request, and a crafted value, or a button copied elsewhere, must not reach another one. Undefined when
 * the click came from the request's own channel and card (or thread).
 */
export function misplacedClick(
  request: { channel: string; parentTs?: string },
  actor: Actor,
): Misplaced | undefined {
  if (request.channel !== actor.channel) {
    return { outcome: 'the click came from another channel', answer: foreignButton() };
  }
  if (actor.thread && request.parentTs && actor.thread !== request.parentTs) {
    return { outcome: "the click came from another request's card or thread", answer: strayButton() };
  }
  return undefined;
}
