import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Command, CommandName } from '../src/commands/grammar.js';
import { parseCommand } from '../src/commands/parse.js';
import { notice } from '../src/messages/notice.js';
import { usageMessage } from '../src/messages/usage.js';
import { requestIdFromTrigger } from '../src/queue/request-id.js';
import { cancel } from './cancel.js';
import { clusters } from './clusters.js';
import type { Ack, CommandContext, HandlerDeps } from './deps.js';
import { ephemeral } from './deps.js';
import { enqueueOperation } from './enqueue-operation.js';
import { help } from './help.js';
import { jobs } from './jobs.js';

type Handler = (ctx: CommandContext<never>) => Promise<Ack>;

/** Slack gives a slash command 3 seconds; bosun answers well inside them even when Redis is slow. */
const ACK_DEADLINE_MS = 2500;

const notYet =
  (name: CommandName): Handler =>
  async (ctx) =>
    ephemeral(notice('info', `\`${ctx.deps.slash} ${name}\` is not available in this version of bosun yet.`));

/** Each command's handler; every one acks (through its return value) and none calls a cluster. */
export const COMMAND_HANDLERS: Record<CommandName, Handler> = {
  help: help as Handler,
  clusters: clusters as Handler,
  jobs: jobs as Handler,
  cancel: cancel as Handler,
  nodes: enqueueOperation as Handler,
  cordon: notYet('cordon'),
  uncordon: notYet('uncordon'),
  drain: notYet('drain'),
  maintain: notYet('maintain'),
  audit: notYet('audit'),
};

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/bosun …`: parse → authorize → enqueue → ack. Bad input is answered in the ack and enqueues nothing. */
export function slashCommand(deps: HandlerDeps) {
  return async ({ command, ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    const meta = {
      id: requestIdFromTrigger(command.trigger_id),
      channel: command.channel_id,
      user: command.user_id,
      text: command.text.trim(),
      requestedAt: deps.clock.now(),
    };
    const log = deps.logger.child({ requestId: meta.id, user: meta.user, channel: meta.channel });
    const parsed = parseCommand(command.text);
    if (!parsed.ok) {
      log.info({ error: parsed.error.message }, 'usage error');
      await ack({ response_type: 'ephemeral', ...usageMessage(parsed.error, deps.slash) });
      return;
    }
    const handler = COMMAND_HANDLERS[parsed.command.name];
    const ctx: CommandContext<Command> = { meta, command: parsed.command, deps, log };
    let answer: Ack | 'late';
    try {
      answer = await withDeadline(handler(ctx as CommandContext<never>), ACK_DEADLINE_MS);
    } catch (error) {
      log.error({ err: error }, 'handler failed');
      answer = ephemeral(
        notice(
          'error',
          `bosun could not take this request (${(error as Error).message}). Nothing was changed; try again.`,
        ),
      );
    }
    if (answer === 'late') {
      log.warn('handler passed the ack deadline');
      answer = ephemeral(
        notice(
          'warning',
          `bosun is slow to queue request \`${meta.id}\`; it may still run. Check \`${deps.slash} jobs\`.`,
        ),
      );
    }
    if (answer.kind === 'none') await ack();
    else await ack({ response_type: 'ephemeral', ...answer.message });
  };
}
