import { reportCancelled, reportingOf } from './approval-effects.js';
import { approvalStageJobId, START_PHASE } from './approval-record.js';
import type { ApprovalServices } from './approval-services.js';
import type { BotContext } from './bot-context.js';

/**
 * `/bosun cancel` of a request still waiting for its approval: the approval closes (later clicks are told),
 * the card loses its buttons, the waiting approval stage goes, and the request ends as cancelled. False when
 * there was no open approval to cancel (the request is queued or running: cancel it as usual).
 */
export async function cancelPendingApproval(
  bot: BotContext,
  services: ApprovalServices,
  requestId: string,
  user: string,
): Promise<boolean> {
  const ref = { requestId, phase: START_PHASE };
  if (!(await services.approvals.close(ref, 'cancelled', bot.clock.now(), user))) return false;
  const record = await services.approvals.get(ref);
  if (record) {
    await reportCancelled(reportingOf(bot, services), record, user);
  }
  try {
    await (await bot.ops.queue.getJob(approvalStageJobId(requestId)))?.remove();
  } catch (error) {
    bot.logger.debug({ err: error, requestId }, 'approval stage busy; it will see the cancellation');
  }
  return true;
}
