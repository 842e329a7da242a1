import { z } from 'zod';
import { PrincipalsSchema } from '../config/policy-schema.js';
import { OpsPayload } from '../queue/payloads.js';

/** Before the job starts (`start`) or at a named phase boundary inside it. */
export const START_PHASE = 'start';
export const PhaseName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'a phase is lowercase letters, digits and dashes, such as "workers"');

export const ApprovalState = z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']);
export type ApprovalState = z.infer<typeof ApprovalState>;

export const Vote = z.object({ user: z.string(), at: z.number() });
export type Vote = z.infer<typeof Vote>;

const json = <T extends z.ZodType>(schema: T) =>
  z.string().transform((text, ctx) => {
    try {
      return schema.parse(JSON.parse(text)) as z.output<T>;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON of the expected shape' });
      return z.NEVER;
    }
  });

/**
 * One approval as kept in Redis (a hash; `votes`, `approvers` and `payload` are JSON). The terms (who may
 * approve, how many, until when) are copied from the policy when it opens, so a config change does not move
 * the goalposts of an approval already asked for.
 */
export const ApprovalRecord = z.object({
  requestId: z.string(),
  phase: z.string(),
  channel: z.string(),
  requester: z.string(),
  cluster: z.string(),
  /** The command as typed. */
  text: z.string(),
  /** What the approvers are asked: the command, or the phase's question. */
  summary: z.string(),
  needed: z.coerce.number().int().min(1),
  selfApproval: z.enum(['0', '1']).transform((v) => v === '1'),
  approvers: z
    .string()
    .transform((text) => (text === '' ? undefined : PrincipalsSchema.parse(JSON.parse(text)))),
  createdAt: z.coerce.number(),
  expiresAt: z.coerce.number(),
  state: ApprovalState,
  votes: json(z.array(Vote)).default([]),
  decidedBy: z.string().optional(),
  decidedAt: z.coerce.number().optional(),
  reason: z.string().optional(),
  /** What will happen, in mrkdwn sections (a drain's preview), set by the approval stage. */
  preview: json(z.array(z.string())).optional(),
  /** The job to enqueue once a `start` approval is granted. */
  payload: json(OpsPayload).optional(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

export interface ApprovalRef {
  requestId: string;
  phase: string;
}

/** The value carried by Approve/Reject buttons and the reject modal: `<request id>/<phase>`. */
export function encodeApprovalRef(ref: ApprovalRef): string {
  return `${ref.requestId}/${ref.phase}`;
}

export function decodeApprovalRef(value: string): ApprovalRef | undefined {
  const match = /^(r-[a-z0-9]{12})\/([a-z][a-z0-9-]{0,39})$/.exec(value);
  if (!match?.[1] || !match[2]) return undefined;
  return { requestId: match[1], phase: match[2] };
}

/** The approval stage's job id: the operation's own job takes the request id once the approval is granted. */
export function approvalStageJobId(requestId: string): string {
  return `${requestId}-approval`;
}
