import { z } from 'zod';

/**
 * Job payloads shared by handlers (which enqueue) and jobs (which decode). `v` is bumped on any change a
 * worker of the previous version could not read; a job that fails to decode fails at once with a message.
 */
export const RequestMeta = z.object({
  id: z.string().regex(/^r-[a-z0-9]{12}$/),
  channel: z.string(),
  user: z.string(),
  /** The command as typed, for cards, logs and the audit trail. */
  text: z.string(),
  /** The cluster the command resolved to (explicit --cluster or the channel's default). */
  cluster: z.string().optional(),
  requestedAt: z.number(),
  /** The command's response_url: how a job answers its author alone (Slack keeps it valid for 30 minutes). */
  responseUrl: z.string().optional(),
});
export type RequestMeta = z.infer<typeof RequestMeta>;

/**
 * A command as the queue carries it: its name (the operation that runs it, and the policy's name for it) and
 * the operation's own fields, which only that operation's schema decodes (src/operations).
 */
export const CommandRef = z.looseObject({ name: z.string().min(1), cluster: z.string().optional() });
export type CommandRef = z.infer<typeof CommandRef>;

export const OpsPayload = z.object({
  v: z.literal(1),
  request: RequestMeta,
  command: CommandRef,
  /**
   * `approval`: not the operation itself but its read-only approval stage (job id `<request id>-approval`): it
   * computes the preview, posts the approval card and waits, delayed, until the approval's expiry
   * (src/approvals/approval-stage.ts). The operation's own job is enqueued once the approval is granted.
   */
  stage: z.literal('approval').optional(),
});
export type OpsPayload = z.infer<typeof OpsPayload>;

/** Where a message goes: a new top-level message, a reply in the request's thread, or one person's view. */
export const SlackMessage = z.object({
  text: z.string(),
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type SlackMessage = z.infer<typeof SlackMessage>;

const OutboxBase = z.object({ v: z.literal(1), requestId: z.string().optional(), channel: z.string() });

export const OutboxPayload = z.discriminatedUnion('kind', [
  /** The request's parent message: posts the card's latest state. */
  OutboxBase.extend({ kind: z.literal('parent'), requestId: z.string() }),
  /** A reply in the request's thread; `seq` keeps replies in order. */
  OutboxBase.extend({
    kind: z.literal('reply'),
    requestId: z.string(),
    seq: z.number().int().positive(),
    message: SlackMessage,
    attachment: z.object({ filename: z.string(), title: z.string(), content: z.string() }).optional(),
    /** Remember where it lands: it may be rewritten (`reply-edit`). */
    keep: z.boolean().optional(),
  }),
  /** A reply already in the thread, rewritten (a button that no longer applies gives way to what happened). */
  OutboxBase.extend({
    kind: z.literal('reply-edit'),
    requestId: z.string(),
    seq: z.number().int().positive(),
    message: SlackMessage,
  }),
  /** Bring the parent message up to the card's latest state (coalesces). */
  OutboxBase.extend({ kind: z.literal('card'), requestId: z.string() }),
  OutboxBase.extend({
    kind: z.literal('ephemeral'),
    user: z.string(),
    message: SlackMessage,
    /** Show it in the request's thread. */
    inThread: z.boolean().optional(),
    /** Answer through the command's response_url (as the command's own answer); postEphemeral if it is spent. */
    responseUrl: z.string().optional(),
  }),
  /**
   * A message in a channel that belongs to no request (a backup schedule's notification), named by `key` so a
   * later `notice-edit` can rewrite it (grouped failures, recovery).
   */
  OutboxBase.extend({ kind: z.literal('notice'), key: z.string().min(1), message: SlackMessage }),
  /** Rewrites the notice named `key`, once it is posted. */
  OutboxBase.extend({
    kind: z.literal('notice-edit'),
    key: z.string().min(1),
    message: SlackMessage,
    /** Rising with each rewrite: an older rewrite delivered after a newer one is dropped. */
    version: z.number(),
  }),
  /** Take the request's card down (or never post it): the request was withdrawn (src/requests/request-store.ts). */
  OutboxBase.extend({ kind: z.literal('withdraw'), requestId: z.string() }),
  /**
   * A file for one person, in their direct message with bosun (an ephemeral message cannot carry one), asked
   * for from `channel`; if Slack refuses it, they are told there.
   */
  OutboxBase.extend({
    kind: z.literal('direct-file'),
    user: z.string(),
    comment: z.string(),
    file: z.object({ filename: z.string(), title: z.string(), content: z.string() }),
    /** What to tell them in `channel` when the file cannot be sent (mrkdwn, from src/messages). */
    failed: SlackMessage,
  }),
]);
export type OutboxPayload = z.infer<typeof OutboxPayload>;

/** Transport state the outbox keeps in job data between delays (not part of the message). */
export const OutboxProgress = z.object({
  sendAt: z.number().optional(),
  failures: z.number().int().default(0),
  /** Times this reply found its turn not yet come (backs off). */
  waits: z.number().int().default(0),
});

/** A job on the `schedules` queue: a schedule's backup run, or the periodic missed-backup check. */
export const SchedulesPayload = z.discriminatedUnion('kind', [
  z.object({ v: z.literal(1), kind: z.literal('backup'), cluster: z.string(), scheduleId: z.string() }),
  z.object({ v: z.literal(1), kind: z.literal('missed-check') }),
]);
export type SchedulesPayload = z.infer<typeof SchedulesPayload>;
