import { closedApprovalAnswer, decisionDenial } from '../messages/approval-denial.js';
import { notice } from '../messages/notice.js';
import { authorizeDecision } from '../policy/authorize-decision.js';
import type { Actor } from '../policy/principals.js';
import type { SlackMessage } from '../queue/payloads.js';
import { misplacedClick } from '../requests/misplaced-click.js';
import { auditApproval, reportExpiry, reportingOf, showApproval, tellThread } from './approval-effects.js';
import { type ApprovalRecord, type ApprovalRef, approvalStageJobId, START_PHASE } from './approval-record.js';
import type { ApprovalServices } from './approval-services.js';
import type { BotContext } from './bot-context.js';
import { cancelPendingApproval } from './cancel-approval.js';

export type Decision = 'approve' | 'reject';

/**
 * What became of a decision: it counted (an approval towards the quorum, the quorum itself, or a rejection),
 * and the card and one thread line say so to everyone, the one confirmation; or it did not, and `message` tells
 * the person who clicked why.
 */
export type DecisionAnswer = { counted: true } | { counted: false; message: SlackMessage };

/** Whether a click may go on to the next step (the reject modal), or what to tell the person instead. */
export type DecisionCheck = { ok: true; record: ApprovalRecord } | { ok: false; answer: SlackMessage };

const gone = (): SlackMessage =>
  notice('warning', 'This approval no longer exists (it is kept two weeks). Nothing was changed.');

/**
 * Everything that must hold before a decision counts: the approval exists and is open (closing it first if
 * its time is up or the request was cancelled), and this person may decide. A refusal is audited.
 */
export async function checkDecision(
  bot: BotContext,
  services: ApprovalServices,
  ref: ApprovalRef,
  actor: Actor,
  decision: Decision,
): Promise<DecisionCheck> {
  const record = await services.approvals.get(ref);
  if (!record) return { ok: false, answer: gone() };
  const parentTs = actor.thread ? await bot.requests.parentTs(ref.requestId) : undefined;
  const misplaced = misplacedClick({ channel: record.channel, parentTs }, actor);
  if (misplaced) {
    // A crafted value (or a button copied elsewhere) naming another request: refused, and audited.
    await auditApproval(
      services.audit,
      'denied',
      record,
      actor.user,
      misplaced.outcome,
      `tried to ${decision} from ${actor.channel || 'no channel'}${actor.thread ? ` (message ${actor.thread})` : ''}`,
    );
    bot.logger.warn(
      { requestId: ref.requestId, user: actor.user, channel: actor.channel, thread: actor.thread },
      `decision refused: ${misplaced.outcome}`,
    );
    return { ok: false, answer: misplaced.answer };
  }
  const cancelledBy =
    record.state === 'pending' ? await bot.cancellations.cancelledBy(ref.requestId) : undefined;
  if (cancelledBy) {
    // Before the job, the cancellation ends the request here; during it, /bosun cancel already stopped the job.
    if (ref.phase === START_PHASE) await cancelPendingApproval(bot, services, ref.requestId, cancelledBy);
    else await services.approvals.close(ref, 'cancelled', bot.clock.now(), cancelledBy);
    const closed = (await services.approvals.get(ref)) ?? record;
    return { ok: false, answer: closedApprovalAnswer(closed, bot.slash) };
  }
  if (record.state === 'pending' && bot.clock.now() >= record.expiresAt) {
    return { ok: false, answer: await expireNow(bot, services, ref, record) };
  }
  if (record.state !== 'pending') return { ok: false, answer: closedApprovalAnswer(record, bot.slash) };
  const verdict = await authorizeDecision(record, services.groups, actor, decision);
  if (!verdict.allowed) {
    await auditApproval(
      services.audit,
      'denied',
      record,
      actor.user,
      verdict.refusal.reason,
      `tried to ${decision}`,
    );
    bot.logger.info(
      { requestId: ref.requestId, user: actor.user, reason: verdict.refusal.reason },
      'decision refused',
    );
    return { ok: false, answer: decisionDenial(verdict.refusal, record) };
  }
  return { ok: true, record };
}

/**
 * Approve or reject, exactly once: the decision is one Lua script in Redis, so of any number of simultaneous
 * clicks only the one completing the quorum enqueues the job (whose id is the request id, besides). Returns
 * what to tell the person who decided, if anything.
 */
export async function recordDecision(
  bot: BotContext,
  services: ApprovalServices,
  ref: ApprovalRef,
  actor: Actor,
  decision: Decision,
  reason = '',
): Promise<DecisionAnswer> {
  const check = await checkDecision(bot, services, ref, actor, decision);
  if (!check.ok) return { counted: false, message: check.answer };
  const unchanged = (message: SlackMessage): DecisionAnswer => ({ counted: false, message });
  const counted: DecisionAnswer = { counted: true };
  const now = bot.clock.now();
  const result = await services.approvals.decide(ref, actor.user, decision, now, reason);
  const reporting = reportingOf(bot, services);
  switch (result.outcome) {
    case 'missing':
      return unchanged(gone());
    case 'duplicate':
      return unchanged(closedApprovalAnswer(result.record, bot.slash, true));
    case 'closed':
      return unchanged(closedApprovalAnswer(result.record, bot.slash));
    case 'expired-now':
      await reportExpiry(reporting, result.record);
      await wakeJob(bot, result.record);
      return unchanged(closedApprovalAnswer(result.record, bot.slash));
    case 'counted': {
      const { record } = result;
      await showApproval(reporting, record);
      await tellThread(reporting, 'counted', record);
      await auditApproval(
        services.audit,
        'approved',
        record,
        actor.user,
        `${record.votes.length} of ${record.needed}`,
      );
      return counted;
    }
    case 'approved': {
      const { record } = result;
      await showApproval(reporting, record);
      await tellThread(reporting, 'approved', record);
      // A quorum of several says whose approvals made it; of one, the line's person is the whole story.
      await auditApproval(
        services.audit,
        'approved',
        record,
        actor.user,
        'approved',
        record.votes.length > 1 ? `by ${record.votes.map((v) => `<@${v.user}>`).join(', ')}` : undefined,
      );
      if (record.phase === START_PHASE) await startApprovedJob(bot, record);
      else await wakeJob(bot, record);
      return counted;
    }
    case 'rejected': {
      const { record } = result;
      await showApproval(reporting, record);
      await tellThread(reporting, 'rejected', record);
      await auditApproval(services.audit, 'rejected', record, actor.user, 'rejected', record.reason);
      if (record.phase === START_PHASE) {
        await bot.requests.transition(record.requestId, 'rejected', `rejected by ${actor.user}`);
        await removeStage(bot, record.requestId);
      } else await wakeJob(bot, record);
      return counted;
    }
  }
}

async function expireNow(
  bot: BotContext,
  services: ApprovalServices,
  ref: ApprovalRef,
  record: ApprovalRecord,
): Promise<SlackMessage> {
  const now = bot.clock.now();
  if (await services.approvals.close(ref, 'expired', now)) {
    const expired = { ...record, state: 'expired' as const, decidedAt: now };
    await reportExpiry(reportingOf(bot, services), expired);
    await wakeJob(bot, expired);
    return closedApprovalAnswer(expired, bot.slash);
  }
  const latest = await services.approvals.get(ref);
  return latest ? closedApprovalAnswer(latest, bot.slash) : gone();
}

/** The quorum is reached: the operation's job goes on the queue under the request id. */
async function startApprovedJob(bot: BotContext, record: ApprovalRecord): Promise<void> {
  if (!record.payload) {
    bot.logger.error({ requestId: record.requestId }, 'approved request has no payload to enqueue');
    return;
  }
  await bot.requests.transition(
    record.requestId,
    'queued',
    `approved by ${record.votes.map((v) => v.user).join(', ')}`,
  );
  await bot.ops.enqueue(record.payload);
  await removeStage(bot, record.requestId);
}

/** The approval stage has nothing left to wait for; if it is busy right now it finds the decision itself. */
async function removeStage(bot: BotContext, requestId: string): Promise<void> {
  try {
    await (await bot.ops.queue.getJob(approvalStageJobId(requestId)))?.remove();
  } catch (error) {
    bot.logger.debug({ err: error, requestId }, 'approval stage busy; it will see the decision');
  }
}

/**
 * A job waiting (delayed) at a phase boundary is woken to see the decision. If it has not finished moving to
 * delayed yet, it looks at the approval again right after and wakes itself (see phase-approval.ts).
 */
async function wakeJob(bot: BotContext, record: ApprovalRecord): Promise<void> {
  if (record.phase === START_PHASE) {
    await removeStage(bot, record.requestId);
    return;
  }
  try {
    const job = await bot.ops.queue.getJob(record.requestId);
    if (job && (await job.isDelayed())) await job.promote();
  } catch (error) {
    bot.logger.debug(
      { err: error, requestId: record.requestId },
      'job not waiting; it will see the decision',
    );
  }
}
