import type { AuditRecord } from '../audit/audit-entry.js';
import { auditText } from '../audit/audit-text.js';

/** The words for each event in a listing; the stored names stay as they are. */
const EVENT_WORD: Record<AuditRecord['event'], string> = {
  requested: 'requested',
  refused: 'refused',
  'approval-requested': 'approval-requested',
  approved: 'approved',
  denied: 'denied',
  rejected: 'rejected',
  expired: 'expired',
  cancelled: 'cancelled',
  'job-started': 'started',
  'job-step': 'step',
  'job-finished': 'finished',
};

/**
 * What happened, in plain text, as both listings say it: `finished: succeeded`, `approved: 1 of 2`,
 * `approval-requested at reboot: pending`; an outcome that only repeats the event is left out (`approved`).
 */
export function auditWhat(record: AuditRecord): string {
  const word = EVENT_WORD[record.event];
  const phase = record.phase && record.phase !== 'start' ? ` at ${record.phase}` : '';
  const outcome = auditText(record.outcome);
  return `${word}${phase}${outcome && outcome !== word ? `: ${outcome}` : ''}`;
}
