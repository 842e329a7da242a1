import type { CancelCommand } from '../src/commands/grammar.js';
import { notice } from '../src/messages/notice.js';
import { requestCard } from '../src/messages/request-card.js';
import { TERMINAL_STATES } from '../src/queue/requests.js';
import { type Ack, type CommandContext, ephemeral } from './deps.js';

type Cancel = ReturnType<typeof CancelCommand.parse>;

/**
 * `/bosun cancel <id>`: a queued request is removed and marked cancelled here; a running one is told to stop
 * (its job reports what it did before stopping).
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
  await deps.cancellations.request(record.id, meta.user);
  if (await deps.ops.removeIfWaiting(record.id)) {
    await deps.requests.transition(record.id, 'cancelled', `cancelled by ${meta.user} before it started`);
    const card = requestCard({
      requestId: record.id,
      text: record.text,
      slash: deps.slash,
      user: record.user,
      cluster: record.cluster,
      state: 'cancelled',
      detail: `by <@${meta.user}> before it started`,
    });
    await deps.reporter.card(record, card);
    await deps.reporter.reply(
      record,
      notice('info', `Cancelled by <@${meta.user}> before it started. Nothing was changed.`),
    );
    ctx.log.info({ target: record.id }, 'cancelled a queued request');
    return ephemeral(notice('success', `Cancelled \`${record.id}\` before it started.`));
  }
  ctx.log.info({ target: record.id }, 'asked a running request to stop');
  return ephemeral(
    notice('info', `Asked \`${record.id}\` to stop; its thread will say what it did before stopping.`),
  );
}
