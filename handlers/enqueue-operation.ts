import { withApprovalServices } from '../src/approvals/approval-services.js';
import { askForApproval } from '../src/approvals/ask-for-approval.js';
import { requestRefusal } from '../src/messages/approval-denial.js';
import { notice } from '../src/messages/notice.js';
import { requestCard } from '../src/messages/request-card.js';
import type { AnyOperation, ClusterCommand } from '../src/operations/registry.js';
import { authorizeRequest } from '../src/policy/authorize-request.js';
import { resolveCluster } from '../src/policy/cluster-access.js';
import { type Ack, type CommandContext, ephemeral, noAck } from './deps.js';

/**
 * The common path of every command that runs as a job: authorize (the channel may address the cluster; the
 * policy lets this person ask for this command there, now), then either post the request's card and enqueue
 * the job under the request id, or, where the policy wants approval, ask for it (the job is enqueued once
 * approved). Only an operation that changes the cluster, asked for for real (not a dry run), waits for
 * approval. A refusal is an ephemeral answer and an audit entry; a redelivered command changes nothing.
 */
export async function enqueueOperation(
  ctx: CommandContext<ClusterCommand>,
  operation: AnyOperation,
): Promise<Ack> {
  const { deps, meta, command } = ctx;
  return await withApprovalServices(deps, async (services) => {
    const refused = async (outcome: string, cluster: string | undefined, detail: string) => {
      await services.audit.record({
        event: 'refused',
        requestId: meta.id,
        user: meta.user,
        cluster,
        command: meta.text,
        outcome,
        detail,
      });
      ctx.log.info({ outcome, cluster }, 'refused');
    };
    const resolution = resolveCluster(deps.config.clusters, meta.channel, command.cluster, deps.slash);
    if (!resolution.ok) {
      await refused('cluster-not-allowed', command.cluster, resolution.message);
      return ephemeral(notice('error', `${resolution.message} ${resolution.hint}`));
    }
    const request = { ...meta, cluster: resolution.cluster.name };
    const verdict = await authorizeRequest(deps.config.policy, services.groups, {
      user: request.user,
      channel: request.channel,
      cluster: request.cluster,
      command: command.name,
      now: deps.clock.now(),
    });
    if (!verdict.allowed) {
      await refused(
        verdict.refusal.reason,
        request.cluster,
        `policy for ${command.name} on ${request.cluster}`,
      );
      return ephemeral(requestRefusal(verdict.refusal, verdict.policy, deps.slash));
    }
    const payload = { v: 1 as const, request, command: { ...command, cluster: request.cluster } };
    const waitsForApproval = operation.mutates && !operation.dryRun?.(command);
    if (verdict.policy.approvals > 0 && waitsForApproval) {
      if (!(await askForApproval(deps, services, payload, verdict.policy))) {
        ctx.log.info('redelivered command: approval already asked for');
        return noAck;
      }
      ctx.log.info({ cluster: request.cluster, approvals: verdict.policy.approvals }, 'awaiting approval');
      return noAck;
    }
    const card = requestCard({
      requestId: request.id,
      text: request.text,
      slash: deps.slash,
      user: request.user,
      cluster: request.cluster,
      state: 'queued',
    });
    const fresh = await deps.reporter.open(request, 'queued', card, payload.command);
    if (!fresh) {
      ctx.log.info('redelivered command: already queued');
      return noAck;
    }
    await deps.ops.enqueue(payload);
    await services.audit.record({
      event: 'requested',
      requestId: request.id,
      user: request.user,
      cluster: request.cluster,
      command: request.text,
      outcome: 'queued',
    });
    ctx.log.info({ cluster: request.cluster }, 'queued');
    return noAck;
  });
}
