import { type Clock, systemClock } from '../../shared/clock.js';

/**
 * The simulated cluster's sense of time. Every duration the simulator plays (controller delays, pod start-up,
 * grace periods, node timeouts, PDB bookkeeping expiry) goes through `sleep` or `scale`, so a factor of 0.001
 * turns a 30 s grace period into 30 ms. `now()` is not scaled: timestamps written into objects stay real, so
 * kubectl's AGE column and client-side deadlines keep making sense.
 */
export class ScaledClock implements Clock {
  readonly factor: number;
  private readonly base: Clock;

  constructor(factor = 1, base: Clock = systemClock) {
    if (!Number.isFinite(factor) || factor <= 0) {
      throw new RangeError(`time scale must be a positive number, got ${factor}`);
    }
    this.factor = factor;
    this.base = base;
  }

  now(): number {
    return this.base.now();
  }

  /** Sleeps for a simulated duration: `ms` of cluster time, `ms × factor` of real time. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(this.scale(ms), signal);
  }

  /** Sleeps until a real timestamp (a deadline computed with `now()` and `scale`). */
  sleepUntil(timestamp: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(Math.max(0, timestamp - this.base.now()), signal);
  }

  /** Real milliseconds that a simulated duration takes, for comparing against elapsed `now()` differences. */
  scale(ms: number): number {
    return Math.max(0, ms * this.factor);
  }
}
