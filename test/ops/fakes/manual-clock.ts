import type { Clock } from '../../../src/shared/clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Time that moves only when the test says so. `run(work)` lets pending promises settle, then jumps to the next
 * timer, and so on until `work` settles: a drain that waits minutes of simulated time finishes in milliseconds,
 * and the same steps happen in the same order every run.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<Timer>();

  constructor(start = Date.parse('2026-11-25T12:00:00Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = {
        at: this.time + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers.delete(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.add(timer);
    });
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (let i = 0; i < 100_000; i++) {
      await settle();
      const next = this.nextTimer();
      if (!next || next.at > until) break;
      this.fire(next);
    }
    this.time = Math.max(this.time, until);
    await settle();
  }

  /**
   * Moves time forward by `ms` without firing a timer: a process that was stopped (SIGSTOP) and resumes. The
   * timers that came due meanwhile fire late, on the next `advance` or `run`.
   */
  stall(ms: number): void {
    this.time += ms;
  }

  /** Runs `work` to completion in simulated time; fails if it needs more than `limitMs` of it. */
  async run<T>(work: Promise<T>, limitMs = 24 * 3_600_000): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    const limit = this.time + limitMs;
    for (let i = 0; i < 1_000_000 && !done; i++) {
      await settle();
      if (done) break;
      const next = this.nextTimer();
      if (!next) throw new Error('ManualClock.run: the work is waiting for something no timer will bring');
      if (next.at > limit)
        throw new Error(`ManualClock.run: not finished after ${limitMs} ms of simulated time`);
      this.fire(next);
    }
    return await watched;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  private nextTimer(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers) {
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }

  private fire(timer: Timer): void {
    this.timers.delete(timer);
    this.time = Math.max(this.time, timer.at);
    timer.resolve();
  }
}

/** Lets every promise that can settle without time passing do so. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
