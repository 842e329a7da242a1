import type { Command } from '../src/commands/grammar.js';
import { notice } from '../src/messages/notice.js';
import { requestCard } from '../src/messages/request-card.js';
import { resolveCluster } from '../src/policy/cluster-access.js';
import { type Ack, type CommandContext, ephemeral, noAck } from './deps.js';

/**
 * The common path of every command that runs as a job: authorize the cluster for this channel, post the
 * request's card, enqueue the job under the request id. A redelivered command changes nothing.
 */
/** Commands that act on a cluster through a job. */
export type ClusterCommand = Extract<Command, { name: 'nodes' | 'cordon' | 'uncordon' | 'drain' | 'maintain' }>;

export async function enqueueOperation(ctx: CommandContext<ClusterCommand>): Promise<Ack> {
  const { deps, meta, command } = ctx;
  const resolution = resolveCluster(deps.config.clusters, meta.channel, command.cluster, deps.slash);
  if (!resolution.ok) return ephemeral(notice('error', `${resolution.message} ${resolution.hint}`));
  const request = { ...meta, cluster: resolution.cluster.name };
  const card = requestCard({
    requestId: request.id,
    text: request.text,
    slash: deps.slash,
    user: request.user,
    cluster: request.cluster,
    state: 'queued',
  });
  const fresh = await deps.reporter.open(request, 'queued', card);
  if (!fresh) {
    ctx.log.info('redelivered command: already queued');
    return noAck;
  }
  await deps.ops.enqueue({ v: 1, request, command: { ...command, cluster: request.cluster } });
  ctx.log.info({ cluster: request.cluster }, 'queued');
  return noAck;
}
