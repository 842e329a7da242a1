import { jobsMessage } from '../src/messages/jobs-list.js';
import { type Ack, type CommandContext, ephemeral } from './deps.js';

export async function jobs(ctx: CommandContext<unknown>): Promise<Ack> {
  const records = await ctx.deps.requests.recent(ctx.meta.channel, 10);
  return ephemeral(jobsMessage(records, ctx.deps.clock.now(), ctx.deps.slash));
}
