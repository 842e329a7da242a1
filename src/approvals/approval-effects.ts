import type { AuditEvent } from '../audit/audit-entry.js';
import type { AuditLog } from '../audit/audit-log.js';
import { approvalCard } from '../messages/approval-card.js';
import { type ApprovalEvent, approvalThreadMessage } from '../messages/approval-thread.js';
import { cancelledWhileWaitingLine } from '../messages/request-lines.js';
import type { Lifecycle } from '../requests/settle.js';
import { type ApprovalRecord, encodeApprovalRef, START_PHASE } from './approval-record.js';

/** What showing an approval's progress needs; the bot and the worker both have it. */
export type ApprovalReporting = Lifecycle;

/** The lifecycle of a bot or worker, with the approvals' audit. */
export function reportingOf(
  context: Pick<Lifecycle, 'slash' | 'reporter' | 'requests' | 'clock'>,
  services: { audit: Lifecycle['audit'] },
): ApprovalReporting {
  const { slash, reporter, requests, clock } = context;
  return { slash, reporter, requests, clock, audit: services.audit };
}

const requestOf = (record: ApprovalRecord) => ({ id: record.requestId, channel: record.channel });

/** Brings the card up to the approval's state (Approve/Reject while pending, who decided once decided). */
export async function showApproval(reporting: ApprovalReporting, record: ApprovalRecord): Promise<void> {
  const card = approvalCard({
    requestId: record.requestId,
    text: record.text,
    slash: reporting.slash,
    requester: record.requester,
    cluster: record.cluster,
    phase: record.phase,
    summary: record.summary,
    preview: record.preview,
    needed: record.needed,
    selfApproval: record.selfApproval,
    votes: record.votes,
    expiresAt: record.expiresAt,
    state: record.state,
    decidedBy: record.decidedBy,
    decidedAt: record.decidedAt,
    reason: record.reason,
    ref: encodeApprovalRef(record),
  });
  await reporting.reporter.card(requestOf(record), card);
}

export async function tellThread(
  reporting: ApprovalReporting,
  event: ApprovalEvent,
  record: ApprovalRecord,
): Promise<void> {
  await reporting.reporter.reply(requestOf(record), approvalThreadMessage(event, record));
}

export async function auditApproval(
  audit: AuditLog,
  event: AuditEvent,
  record: ApprovalRecord,
  user: string,
  outcome: string,
  detail?: string,
): Promise<void> {
  await audit.record({
    event,
    requestId: record.requestId,
    user,
    cluster: record.cluster,
    command: record.text,
    phase: record.phase,
    outcome,
    detail,
  });
}

/**
 * An approval ran out of time (whoever noticed closed it: a late click or the waiting job). Before the job a
 * request then ends as expired; during it the job is woken to stop (the caller does that).
 */
export async function reportExpiry(reporting: ApprovalReporting, record: ApprovalRecord): Promise<void> {
  await showApproval(reporting, record);
  await tellThread(reporting, 'expired', record);
  await auditApproval(
    reporting.audit,
    'expired',
    record,
    record.requester,
    'expired',
    `needed ${record.needed}, had ${record.votes.length}`,
  );
  if (record.phase === START_PHASE) {
    await reporting.requests.transition(record.requestId, 'expired', 'approval expired');
  }
}

/**
 * A request cancelled while it waited for approval: the card loses its buttons, the thread says who cancelled
 * it, and the request ends.
 */
export async function reportCancelled(
  reporting: ApprovalReporting,
  record: ApprovalRecord,
  user: string,
): Promise<void> {
  await showApproval(reporting, record);
  await reporting.reporter.reply(requestOf(record), cancelledWhileWaitingLine(user));
  await auditApproval(reporting.audit, 'cancelled', record, user, 'cancelled', 'while waiting for approval');
  if (record.phase === START_PHASE) {
    await reporting.requests.transition(
      record.requestId,
      'cancelled',
      `cancelled by ${user} while waiting for approval`,
    );
  }
}
