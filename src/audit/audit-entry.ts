import { z } from 'zod';

/** What happened. Every entry also says to which request, by whom, on which cluster, and with what outcome. */
export const AuditEvent = z.enum([
  /**
   * A request was taken (outcome: queued or awaiting-approval; when it waits, the detail says how many approvals
   * it needs and when it expires).
   */
  'requested',
  /** A request was refused (outcome: a code; detail: why, in a short sentence). Nothing was enqueued. */
  'refused',
  /**
   * A running job asked for an approval at a phase boundary. Before the job, `requested` says it waits (older
   * entries have a separate `approval-requested` of phase `start`).
   */
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
  /** No longer written (a job's thread replies and progress); kept so that older entries still decode. */
  'job-step',
  /** The job ended (outcome: succeeded, failed, cancelled, rejected or expired; detail: its short result). */
  'job-finished',
]);
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEntry = z.object({
  event: AuditEvent,
  requestId: z.string().optional(),
  /** Who acted: the requester, the approver, or (for job events) the requester on whose behalf it ran. */
  user: z.string(),
  /**
   * `user`'s Slack name when the entry was written (the name as it was then; the command line has no Slack
   * token to look it up). Absent in older entries and when Slack could not say.
   */
  userName: z.string().optional(),
  cluster: z.string().optional(),
  /** The command as typed, without the slash command, in plain text (Slack's escapes undone). */
  command: z.string().optional(),
  /** `start` or the name of a phase, for approval events. */
  phase: z.string().optional(),
  outcome: z.string(),
  /**
   * A short plain sentence, never a copy of a Slack message. Writers name people as `<@U…>`; the log stores
   * their names instead (src/audit/audit-log.ts).
   */
  detail: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** An entry as stored: its stream id and the time Redis gave it (one clock for every bosun process). */
export const AuditRecord = AuditEntry.extend({ id: z.string(), at: z.number() });
export type AuditRecord = z.infer<typeof AuditRecord>;
