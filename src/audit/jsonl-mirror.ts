import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditRecord } from './audit-entry.js';

/**
 * A copy of the audit log as JSON lines, one entry per line, appended by every process that writes entries
 * (a bot and workers on different machines each keep their own file). Redis stays the record: a mirror that
 * cannot write reports it and the entry is still kept.
 */
export class JsonLinesMirror {
  private ready: Promise<unknown> | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Appends in call order; resolves once the line is written (or the failure reported). */
  append(record: AuditRecord): Promise<void> {
    this.ready ??= mkdir(dirname(this.file), { recursive: true });
    const line = `${JSON.stringify(record)}\n`;
    this.tail = this.tail.then(async () => {
      try {
        await this.ready;
        await appendFile(this.file, line, 'utf8');
      } catch (error) {
        this.onError(error);
      }
    });
    return this.tail;
  }
}
