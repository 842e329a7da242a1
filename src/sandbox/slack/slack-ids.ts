import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Ids and timestamps in the shapes Slack uses, so code that parses them sees what it would see in Slack. */
export class SlackIds {
  #lastMicros = 0;

  constructor(private readonly clock: Clock) {}

  /**
   * A message `ts` (`<seconds>.<micros>`). Strictly increasing across the workspace, so ts order is post order
   * even when two messages land in the same microsecond.
   */
  messageTs(): string {
    const micros = Math.max(Math.floor(this.clock.now() * 1000), this.#lastMicros + 1);
    this.#lastMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** Like Slack's `13345224609.738474920.8088930838d88f008e0`. */
  triggerId(): string {
    const seconds = Math.floor(this.clock.now() / 1000);
    return `${seconds}${randomInt(100, 1000)}.${randomInt(100_000_000, 1_000_000_000)}.${randomBytes(12).toString('hex')}`;
  }

  /** A Slack object id: a type letter (`F` file, `V` view, …) and upper-case alphanumerics. */
  objectId(prefix: string, length = 10): string {
    let id = prefix;
    for (let i = 0; i < length; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
    return id;
  }

  /** An opaque URL-safe token for response URLs, upload URLs and socket tickets. */
  token(): string {
    return randomBytes(18).toString('base64url');
  }
}
