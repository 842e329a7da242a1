import { setMaxListeners } from 'node:events';
import type { ScaledClock } from '../clock/scaled-clock.js';
import { StatusError } from '../types.js';
import type { SimLog } from './sim-log.js';

export type Reconcile = (key: string) => Promise<void>;

/** Retries of a failing key before the queue gives up on it until the next event. */
const maxRetries = 12;

/**
 * A deduplicating queue of object keys with one reconcile at a time per key, like client-go's workqueue:
 * a key added while it is being reconciled runs again afterwards; failures retry with backoff; delayed adds
 * wait on the simulator clock, so they follow the time scale.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly active = new Set<string>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, number>();
  private readonly abort = new AbortController();
  private readonly workers: Promise<void>[] = [];
  private waiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    readonly name: string,
    private readonly reconcile: Reconcile,
    private readonly clock: ScaledClock,
    private readonly log: SimLog,
    concurrency = 1,
  ) {
    // Every delayed add listens on the one abort signal; there can be a timer per pod.
    setMaxListeners(0, this.abort.signal);
    for (let i = 0; i < concurrency; i++) this.workers.push(this.work());
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) this.again.add(key);
    else this.pending.add(key);
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Adds `key` once the real timestamp `at` has come (deadlines are computed with `clock.scale`). */
  addAt(key: string, at: number): void {
    if (this.stopped) return;
    const scheduled = this.timers.get(key);
    if (scheduled !== undefined && scheduled <= at) return;
    this.timers.set(key, at);
    this.clock.sleepUntil(at, this.abort.signal).then(
      () => {
        if (this.timers.get(key) === at) this.timers.delete(key);
        this.add(key);
      },
      () => {},
    );
  }

  /** Adds `key` after a simulated duration. */
  addAfter(key: string, simulatedMs: number): void {
    this.addAt(key, this.clock.now() + this.clock.scale(simulatedMs));
  }

  /** Whether nothing is queued or running (timers for later do not count). */
  get idle(): boolean {
    return this.pending.size === 0 && this.active.size === 0 && this.again.size === 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new Error(`${this.name} stopped`));
    this.pending.clear();
    this.again.clear();
    this.wakeAll();
    await Promise.all(this.workers);
  }

  private next(): string | undefined {
    for (const key of this.pending) {
      if (this.active.has(key)) continue;
      this.pending.delete(key);
      return key;
    }
    return undefined;
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const key = this.next();
      if (key === undefined) {
        await new Promise<void>((resolve) => {
          this.waiters.push(resolve);
        });
        continue;
      }
      this.active.add(key);
      try {
        await this.reconcile(key);
        this.failures.delete(key);
      } catch (error) {
        this.retry(key, error);
      } finally {
        this.active.delete(key);
        if (this.again.delete(key)) this.add(key);
      }
      // Let watch events delivered as microtasks land before the next key is read from the caches.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private retry(key: string, error: unknown): void {
    if (this.stopped) return;
    if (error instanceof StatusError && error.code === 404) return; // gone: nothing left to reconcile
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    if (failures > maxRetries) {
      this.failures.delete(key);
      this.log.warn(
        { controller: this.name, key, error: String(error) },
        'giving up on key until it changes again',
      );
      return;
    }
    if (!(error instanceof StatusError && error.code === 409)) {
      this.log.debug({ controller: this.name, key, error: String(error) }, 'reconcile failed; retrying');
    }
    // Real-time backoff: retries are about the software catching up, not about cluster time.
    const delay = Math.min(2000, 5 * 2 ** (failures - 1));
    this.addAt(key, this.clock.now() + delay);
  }
}
