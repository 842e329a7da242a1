import type { AuditRecord } from '../audit/audit-entry.js';
import { auditText, auditTime, plainCommand } from '../audit/audit-text.js';
import { auditWhat } from './audit-what.js';
import { columns } from './blocks.js';

const HEADER = ['TIME (UTC)', 'REQUEST', 'USER', 'CLUSTER', 'WHAT', 'COMMAND', 'DETAIL'];

/**
 * The audit log as a fixed-width plain-text table, one event per line, oldest first: for the CLI and the file
 * sent in Slack. People by the name stored with the entry (the id when an older entry has none); text written
 * by older versions is made plain here too.
 */
export function auditTable(records: readonly AuditRecord[]): string {
  const rows = records.map((r) => [
    auditTime(r.at),
    r.requestId ?? '-',
    r.userName ?? r.user,
    r.cluster ?? '-',
    auditWhat(r),
    r.command ? plainCommand(r.command) : '-',
    r.detail ? auditText(r.detail) : '',
  ]);
  return `${columns(HEADER, rows).join('\n')}\n`;
}
