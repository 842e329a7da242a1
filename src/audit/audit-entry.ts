import { z } from 'zod';

/** What happened. Every entry also says to which request, by whom, on which cluster, and with what outcome. */
export const AuditEvent = z.enum([
  /** A request was taken (outcome: queued or awaiting-approval). */
  'requested',
  /** A request was refused (outcome: why). Nothing was enqueued. */
  'refused',
  /** An approval was asked for, before the job or at a phase boundary. */
  'approval-requested',
  /** One approval counted (outcome: "1 of 2") or completed the quorum (outcome: "approved"). */
  'approved',
  /** Someone not allowed to decide clicked Approve or Reject; nothing changed. */
  'denied',
  'rejected',
  'expired',
  /** A request was cancelled before it ran (a running job's cancellation ends it: job-finished). */
  'cancelled',
  'job-started',
  'job-step',
  /** The job ended (outcome: succeeded, failed, cancelled, rejected or expired). */
  'job-finished',
]);
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEntry = z.object({
  event: AuditEvent,
  requestId: z.string().optional(),
  /** Who acted: the requester, the approver, or (for job events) the requester on whose behalf it ran. */
  user: z.string(),
  cluster: z.string().optional(),
  /** The command as typed, without the slash command. */
  command: z.string().optional(),
  /** `start` or the name of a phase, for approval events. */
  phase: z.string().optional(),
  outcome: z.string(),
  detail: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** An entry as stored: its stream id and the time Redis gave it (one clock for every bosun process). */
export const AuditRecord = AuditEntry.extend({ id: z.string(), at: z.number() });
export type AuditRecord = z.infer<typeof AuditRecord>;
