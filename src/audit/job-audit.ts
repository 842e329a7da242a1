import type { RequestMeta } from '../queue/payloads.js';
import type { Clock } from '../shared/clock.js';
import type { AuditGuard, AuditLog } from './audit-log.js';

const MAX_DETAIL = 500;

/**
 * A job's audit trail, written from one place (jobs/request-job.ts) for every operation: its start (or
 * resumption), its steps (every thread reply, and progress at most every `progressEveryMs`) and its result.
 */
export class JobAudit {
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  private lastProgress = '';

  constructor(
    private readonly audit: AuditLog,
    private readonly request: RequestMeta,
    private readonly clock: Clock,
    private readonly progressEveryMs = 15_000,
    /**
     * A run's fence on its request: once a newer run holds it, this one's entries are refused. `regain` writes
     * the run's record back when Redis lost it (true then), and the entry is tried once more.
     */
    private readonly guard?: AuditGuard & { refused: () => Error; regain?: () => Promise<boolean> },
  ) {}

  private async write(
    event: 'job-started' | 'job-step' | 'job-finished',
    outcome: string,
    detail?: string,
  ): Promise<void> {
    const entry = {
      event,
      requestId: this.request.id,
      user: this.request.user,
      cluster: this.request.cluster,
      command: this.request.text,
      outcome,
      detail: detail === undefined ? undefined : detail.slice(0, MAX_DETAIL),
    };
    if (!this.guard) {
      await this.audit.record(entry);
      return;
    }
    if (await this.audit.recordIf(this.guard, entry)) return;
    if ((await this.guard.regain?.()) && (await this.audit.recordIf(this.guard, entry))) return;
    throw this.guard.refused();
  }

  async started(resumed: boolean, detail?: string): Promise<void> {
    await this.write('job-started', resumed ? 'resumed' : 'started', detail);
  }

  async step(text: string): Promise<void> {
    await this.write('job-step', 'reply', text);
  }

  /** Progress is frequent (counts every few seconds); the audit keeps a changed value now and then. */
  async progress(detail: string): Promise<void> {
    const now = this.clock.now();
    if (detail === this.lastProgress || now - this.lastProgressAt < this.progressEveryMs) return;
    this.lastProgress = detail;
    this.lastProgressAt = now;
    await this.write('job-step', 'progress', detail);
  }

  async finished(outcome: string, detail?: string): Promise<void> {
    await this.write('job-finished', outcome, detail);
  }
}
