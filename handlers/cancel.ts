import { withApprovalServices } from '../src/approvals/approval-services.js';
import { cancelPendingApproval } from '../src/approvals/cancel-approval.js';
import type { CancelCommand } from '../src/commands/grammar.js';
import { notice } from '../src/messages/notice.js';
import { cancelledBeforeStartLine } from '../src/messages/request-lines.js';
import { authorizeDecision } from '../src/policy/authorize-decision.js';
import { effectivePolicy } from '../src/policy/effective-policy.js';
import { type RequestRecord, TERMINAL_STATES } from '../src/requests/request-store.js';
import { settle } from '../src/requests/settle.js';
import { type Ack, type CommandContext, ephemeral } from './deps.js';

type Cancel = ReturnType<typeof CancelCommand.parse>;

/**
 * `/bosun cancel <id>`, by the requester or by someone who may approve that command on that cluster: a request
 * waiting for approval closes its approval; a queued one is removed and marked cancelled here; a running one is
 * told to stop (its job reports what it did before stopping).
 */
export async function cancel(ctx: CommandContext<Cancel>): Promise<Ack> {
  const { deps, meta, command } = ctx;
  const record = await deps.requests.get(command.requestId);
  if (!record || record.channel !== meta.channel) {
    return ephemeral(
      notice(
        'error',
        `No request \`${command.requestId}\` in this channel. \`${deps.slash} jobs\` lists the recent ones.`,
      ),
    );
  }
  if (TERMINAL_STATES.has(record.state)) {
    return ephemeral(
      notice('info', `Request \`${record.id}\` already ended (${record.state}); nothing to cancel.`),
    );
  }
  if (!(await mayCancel(ctx, record))) {
    await withApprovalServices(deps, (services) =>
      services.audit.record({
        event: 'refused',
        requestId: record.id,
        user: meta.user,
        cluster: record.cluster,
        command: meta.text,
        outcome: 'not-allowed-to-cancel',
        detail: `cancel of ${record.id}, asked for by <@${record.user}>`,
      }),
    );
    ctx.log.info({ target: record.id }, 'cancel refused');
    return ephemeral(
      notice(
        'error',
        `Only <@${record.user}>, who asked for \`${record.id}\`, or someone who may approve it can cancel it.`,
      ),
    );
  }
  if (record.state === 'awaiting-approval') {
    const closed = await withApprovalServices(deps, (services) =>
      cancelPendingApproval(deps, services, record.id, meta.user),
    );
    if (closed) {
      ctx.log.info({ target: record.id }, 'cancelled a request waiting for approval');
      return ephemeral(notice('success', `Cancelled \`${record.id}\`; it was still waiting for approval.`));
    }
  }
  await deps.cancellations.request(record.id, meta.user);
  if (await deps.ops.removeIfWaiting(record.id)) {
    await withApprovalServices(deps, (services) =>
      settle({ ...deps, audit: services.audit }, record, {
        state: 'cancelled',
        detail: `by <@${meta.user}> before it started`,
        summary: `cancelled by ${meta.user} before it started`,
        thread: cancelledBeforeStartLine(meta.user),
        audit: { event: 'cancelled', outcome: 'cancelled', detail: 'before it started', user: meta.user },
      }),
    );
    ctx.log.info({ target: record.id }, 'cancelled a queued request');
    return ephemeral(notice('success', `Cancelled \`${record.id}\` before it started.`));
  }
  ctx.log.info({ target: record.id }, 'asked a running request to stop');
  return ephemeral(
    notice('info', `Asked \`${record.id}\` to stop; its thread will say what it did before stopping.`),
  );
}

async function mayCancel(ctx: CommandContext<Cancel>, record: RequestRecord): Promise<boolean> {
  const { deps, meta } = ctx;
  if (meta.user === record.user) return true;
  if (!record.command || !record.cluster) return false;
  const policy = effectivePolicy(deps.config.policy, record.cluster, record.command.name);
  return await withApprovalServices(deps, async (services) => {
    const verdict = await authorizeDecision(
      { requester: record.user, approvers: policy.approvers, selfApproval: policy.selfApproval },
      services.groups,
      { user: meta.user, channel: meta.channel },
      'reject',
    );
    return verdict.allowed;
  });
}
