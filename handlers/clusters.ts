import { clustersMessage } from '../src/messages/clusters-list.js';
import { clustersForChannel } from '../src/policy/cluster-access.js';
import { type Ack, type CommandContext, ephemeral } from './deps.js';

export async function clusters(ctx: CommandContext<unknown>): Promise<Ack> {
  const { channel } = ctx.meta;
  const listing = clustersForChannel(ctx.deps.config.clusters, channel).map((c) => ({
    name: c.name,
    isDefault: c.defaultIn.includes(channel),
  }));
  return ephemeral(clustersMessage(listing, ctx.deps.slash));
}
