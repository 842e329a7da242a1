import { formatDuration } from '../commands/values.js';
import { preparingApprovalCard } from '../messages/approval-card.js';
import type { EffectivePolicy } from '../policy/effective-policy.js';
import type { OpsPayload } from '../queue/payloads.js';
import { approvalStageJobId, START_PHASE } from './approval-record.js';
import type { ApprovalServices } from './approval-services.js';
import type { BotContext } from './bot-context.js';

/**
 * A request that policy says needs approval: record the approval (its terms copied from the policy), post the
 * request's card, and enqueue the read-only approval stage, which works out what the operation would do, puts
 * Approve / Reject on the card and keeps the expiry. Nothing runs against the cluster until approved.
 * False when this request was seen before (a redelivered command), which then changes nothing.
 */
export async function askForApproval(
  bot: BotContext,
  services: ApprovalServices,
  payload: OpsPayload,
  policy: EffectivePolicy,
): Promise<boolean> {
  const { request } = payload;
  const cluster = request.cluster ?? policy.cluster;
  const createdAt = bot.clock.now();
  const expiresAt = createdAt + policy.expirySeconds * 1000;
  const opened = await services.approvals.open({
    requestId: request.id,
    phase: START_PHASE,
    channel: request.channel,
    requester: request.user,
    cluster,
    text: request.text,
    summary: `${bot.slash} ${request.text}`,
    needed: policy.approvals,
    selfApproval: policy.selfApproval,
    approvers: policy.approvers,
    createdAt,
    expiresAt,
    payload,
  });
  if (!opened) {
    const existing = await services.approvals.get({ requestId: request.id, phase: START_PHASE });
    if (existing?.state !== 'pending') return false;
  }
  const card = preparingApprovalCard({
    requestId: request.id,
    text: request.text,
    slash: bot.slash,
    requester: request.user,
    cluster,
  });
  await bot.reporter.open(request, 'awaiting-approval', card, payload.command);
  await bot.ops.queue.add(
    payload.command.name,
    { ...payload, stage: 'approval' },
    {
      jobId: approvalStageJobId(request.id),
      attempts: 4,
      backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
      removeOnComplete: { age: 86400, count: 10_000 },
      removeOnFail: { age: 14 * 86400 },
    },
  );
  const base = { requestId: request.id, user: request.user, cluster, command: request.text };
  const once = (what: string) => services.keys.once(request.id, what);
  // One line for both: the request, and what its approval needs (the buttons follow within seconds).
  await services.audit.recordOnce(once('requested'), {
    ...base,
    event: 'requested',
    outcome: 'awaiting-approval',
    detail: `needs ${policy.approvals} approval${policy.approvals === 1 ? '' : 's'}${policy.selfApproval ? '' : ' from others'}; expires in ${formatDuration(policy.expirySeconds)}`,
  });
  return opened;
}
