import type { AuditRecord } from '../audit/audit-entry.js';
import { columns } from './blocks.js';

const HEADER = ['TIME (UTC)', 'REQUEST', 'USER', 'CLUSTER', 'EVENT', 'OUTCOME', 'COMMAND', 'DETAIL'];

/** `2026-11-25 12:00:03` */
const timeOf = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/** The audit log as a fixed-width table, one entry per line, oldest first: for the CLI and the Slack file. */
export function auditTable(records: readonly AuditRecord[]): string {
  const rows = records.map((r) => [
    timeOf(r.at),
    r.requestId ?? '-',
    r.user,
    r.cluster ?? '-',
    r.phase && r.phase !== 'start' ? `${r.event}(${r.phase})` : r.event,
    oneLine(r.outcome),
    oneLine(r.command) || '-',
    oneLine(r.detail),
  ]);
  return `${columns(HEADER, rows).join('\n')}\n`;
}
