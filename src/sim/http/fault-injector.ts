import { z } from 'zod';

/** What the fault injector does to API requests; everything off by default. */
export const faultSettingsSchema = z.object({
  /** Share of API requests (0..1) answered with `errorCode` instead of being served. */
  errorRate: z.number().min(0).max(1),
  /** 500 InternalError, 503 ServiceUnavailable, 429 TooManyRequests, … */
  errorCode: z.number().int().min(400).max(599),
  /** Delay added before serving each API request. */
  latencyMs: z.number().min(0),
  /** Only requests whose path matches this regular expression are affected (all when unset). */
  pathPattern: z.string().optional(),
});

export type FaultSettings = z.infer<typeof faultSettingsSchema>;

/** A change to the settings, as the admin API takes it (`PUT /_sim/faults`). */
export const faultChangeSchema = faultSettingsSchema.partial().strict();

const OFF: FaultSettings = { errorRate: 0, errorCode: 500, latencyMs: 0 };

/**
 * Fault injection for resilience tests: failing or slowing a share of requests, dropping open watches, and
 * answering the next watch resume with 410 Expired. Driven through `/_sim/faults…` or this object directly.
 */
export class FaultInjector {
  private settings: FaultSettings = { ...OFF };
  private pattern: RegExp | undefined;
  private expireNextResume = false;
  private readonly dropListeners = new Set<() => void>();

  constructor(private readonly random: () => number = Math.random) {}

  get current(): FaultSettings {
    return { ...this.settings };
  }

  /** Applies a change; throws a ZodError (or a SyntaxError for a bad pathPattern) and keeps the old settings. */
  configure(change: Partial<FaultSettings>): FaultSettings {
    const next = faultSettingsSchema.parse({ ...this.settings, ...change });
    this.pattern = next.pathPattern ? new RegExp(next.pathPattern) : undefined;
    this.settings = next;
    return this.current;
  }

  reset(): void {
    this.settings = { ...OFF };
    this.pattern = undefined;
    this.expireNextResume = false;
  }

  /** Whether this request should fail, and how late it should be served. */
  decide(path: string): { fail: boolean; delayMs: number } {
    if (this.pattern && !this.pattern.test(path)) return { fail: false, delayMs: 0 };
    const fail = this.settings.errorRate > 0 && this.random() < this.settings.errorRate;
    return { fail, delayMs: this.settings.latencyMs };
  }

  get errorCode(): number {
    return this.settings.errorCode;
  }

  /** Ends every open watch stream (clients see the connection close and re-watch). */
  dropWatches(): number {
    const listeners = [...this.dropListeners];
    for (const drop of listeners) drop();
    return listeners.length;
  }

  /** The next watch that resumes from a resourceVersion gets 200 + an ERROR 410 Expired event. */
  expireNextWatchResume(): void {
    this.expireNextResume = true;
  }

  /** Consumes the armed 410, if any. */
  takeWatchExpiry(): boolean {
    const armed = this.expireNextResume;
    this.expireNextResume = false;
    return armed;
  }

  onDrop(listener: () => void): () => void {
    this.dropListeners.add(listener);
    return () => this.dropListeners.delete(listener);
  }
}
