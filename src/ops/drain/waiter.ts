import type { Clock } from '../../shared/clock.js';

/**
 * One wait that many things may end: a budget's change, a timer, a person's decision, the drain stopping.
 * The first `wake` wins; timers started with `after` are cleared when the wait ends.
 */
export class Waiter<Why extends string> {
  readonly done: Promise<Why>;
  private resolve: (why: Why) => void = () => undefined;
  private readonly timers = new AbortController();
  private woken = false;

  constructor(stop?: AbortSignal, onStop?: Why) {
    this.done = new Promise<Why>((resolve) => {
      this.resolve = resolve;
    });
    if (stop && onStop !== undefined) {
      if (stop.aborted) this.wake(onStop);
      else {
        const listener = () => this.wake(onStop);
        stop.addEventListener('abort', listener, { once: true });
        void this.done.then(() => stop.removeEventListener('abort', listener));
      }
    }
  }

  get finished(): boolean {
    return this.woken;
  }

  wake(why: Why): void {
    if (this.woken) return;
    this.woken = true;
    this.timers.abort();
    this.resolve(why);
  }

  /** Wakes with `why` after `ms` unless something else woke it first. */
  after(clock: Clock, ms: number, why: Why): void {
    if (this.woken) return;
    clock.sleep(Math.max(0, ms), this.timers.signal).then(
      () => this.wake(why),
      () => undefined,
    );
  }
}

/** Sleeps `ms`; false when `signal` ended the sleep early. */
export async function nap(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await clock.sleep(Math.max(0, ms), signal);
    return true;
  } catch {
    return false;
  }
}
