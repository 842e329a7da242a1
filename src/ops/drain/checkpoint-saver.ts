import type { Checkpoint } from '../../ports/checkpoint.js';
import type { Clock } from '../../shared/clock.js';

/**
 * Saves state at most once per `intervalMs`: a burst of 40 evictions is one write, not 40. `flush` writes the
 * latest state now (at the end, and before stopping for a shutdown).
 */
export class CheckpointSaver<T> {
  private pending = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly idle = new AbortController();

  constructor(
    private readonly checkpoint: Checkpoint<T> | undefined,
    private readonly state: () => T,
    private readonly clock: Clock,
    private readonly intervalMs = 250,
  ) {}

  request(): void {
    if (!this.checkpoint || this.pending) return;
    this.pending = true;
    this.clock.sleep(this.intervalMs, this.idle.signal).then(
      () => {
        if (this.pending) this.writing = this.writing.then(() => this.write());
      },
      () => undefined,
    );
  }

  async flush(): Promise<void> {
    if (!this.checkpoint) return;
    this.pending = true;
    this.writing = this.writing.then(() => this.write());
    await this.writing;
  }

  /**
   * `flush`, but waits at most `ms`: Redis being slow must not hold a drain for long. Calls made together share
   * one write.
   */
  async flushWithin(ms: number): Promise<void> {
    if (!this.checkpoint) return;
    const timer = new AbortController();
    await Promise.race([this.flush(), this.clock.sleep(ms, timer.signal).catch(() => undefined)]);
    timer.abort();
  }

  /** Stops the timer of a pending save (the last flush has been written). */
  close(): void {
    this.idle.abort();
  }

  private async write(): Promise<void> {
    if (!this.pending || !this.checkpoint) return;
    this.pending = false;
    try {
      await this.checkpoint.save(structuredClone(this.state()));
    } catch {
      // Retried shortly; the drain never depends on a save (it rereads the cluster when it resumes).
      this.request();
    }
  }
}
