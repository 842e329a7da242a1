import type { Logger } from 'pino';
import { withApprovalServices } from '../approvals/approval-services.js';
import { askForApproval } from '../approvals/ask-for-approval.js';
import type { BotContext } from '../approvals/bot-context.js';
import { refusalDetail } from '../audit/refusal-detail.js';
import { requestRefusal } from '../messages/approval-denial.js';
import { notice } from '../messages/notice.js';
import { requestCard } from '../messages/request-card.js';
import type { Operations } from '../operations/registry.js';
import { authorizeRequest } from '../policy/authorize-request.js';
import { resolveCluster } from '../policy/cluster-access.js';
import type { IntakePayload } from '../queue/intake-queue.js';
import type { SlackMessage } from '../queue/payloads.js';

/** What the intake step uses: the bot's context (any worker can build it) and the operations. */
export interface IntakeContext extends BotContext {
  operations: Operations;
}

/** What the requester is told through the command's response_url, if anything (the card speaks otherwise). */
export interface IntakeOutcome {
  answer?: SlackMessage;
}

/**
 * Everything that happens to a slash command after it was made durable (src/queue/intake-queue.ts): resolve the
 * cluster and authorize, then post the card and enqueue the job, or ask for approval, or refuse. Every effect is
 * idempotent (the record is claimed in one script, the card's post and the job have fixed ids, the audit entry
 * is written once), so the step can be run again, by the bot or by any worker, after a crash at any point, and
 * completes what the first run left undone. Decisions use the time the command was typed, so a rerun decides as
 * the first run did.
 */
export async function takeIn(ctx: IntakeContext, intake: IntakePayload, log: Logger): Promise<IntakeOutcome> {
  const { request: meta, command } = intake;
  const operation = ctx.operations[command.name as keyof Operations];
  if (!operation) {
    // A worker of an older version does not know the command: nothing was recorded; say so.
    log.warn({ command: command.name }, 'intake of an unknown command');
    return { answer: notice('error', `bosun does not know \`${command.name}\` here. Nothing was changed.`) };
  }
  return await withApprovalServices(ctx, async (services) => {
    const refused = async (outcome: string, cluster: string | undefined, detail: string) => {
      await services.audit.recordOnce(services.keys.once(meta.id, 'refused'), {
        event: 'refused',
        requestId: meta.id,
        user: meta.user,
        cluster,
        command: meta.text,
        outcome,
        detail,
      });
      log.info({ outcome, cluster }, 'refused');
    };
    const resolution = resolveCluster(ctx.config.clusters, meta.channel, command.cluster, ctx.slash);
    if (!resolution.ok) {
      await refused('cluster-not-allowed', command.cluster, resolution.message);
      return { answer: notice('error', `${resolution.message} ${resolution.hint}`) };
    }
    // The response_url travels with the request, so its job can answer the author alone (an unknown node).
    const request = { ...meta, cluster: resolution.cluster.name, responseUrl: intake.responseUrl };
    const verdict = await authorizeRequest(ctx.config.policy, services.groups, {
      user: request.user,
      channel: request.channel,
      cluster: request.cluster,
      command: command.name,
      now: meta.requestedAt,
    });
    if (!verdict.allowed) {
      await refused(
        verdict.refusal.reason,
        request.cluster,
        refusalDetail(verdict.refusal, command.name, request.cluster),
      );
      return { answer: requestRefusal(verdict.refusal, verdict.policy, ctx.slash) };
    }
    const payload = { v: 1 as const, request, command: { ...command, cluster: request.cluster } };
    const waitsForApproval = operation.mutates && !operation.dryRun?.(command as never);
    if (verdict.policy.approvals > 0 && waitsForApproval) {
      await askForApproval(ctx, services, payload, verdict.policy);
      log.info({ cluster: request.cluster, approvals: verdict.policy.approvals }, 'awaiting approval');
      return {};
    }
    const card = requestCard({
      requestId: request.id,
      text: request.text,
      slash: ctx.slash,
      user: request.user,
      cluster: request.cluster,
      state: 'queued',
    });
    await ctx.reporter.open(request, 'queued', card, payload.command);
    // Only a request still queued gets its job: a rerun after the job ran (and was cleaned up) adds nothing.
    const record = await ctx.requests.get(request.id);
    if (record?.state === 'queued') await ctx.ops.enqueue(payload);
    await services.audit.recordOnce(services.keys.once(request.id, 'requested'), {
      event: 'requested',
      requestId: request.id,
      user: request.user,
      cluster: request.cluster,
      command: request.text,
      outcome: 'queued',
    });
    log.info({ cluster: request.cluster }, 'queued');
    return {};
  });
}
