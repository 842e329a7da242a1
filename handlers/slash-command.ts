import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { Command, CommandName } from '../src/commands/grammar.js';
import { parseCommand } from '../src/commands/parse.js';
import { notice } from '../src/messages/notice.js';
import { usageMessage } from '../src/messages/usage.js';
import { requestIdFromTrigger } from '../src/queue/request-id.js';
import { audit } from './audit.js';
import { cancel } from './cancel.js';
import { clusters } from './clusters.js';
import type { Ack, CommandContext, HandlerDeps } from './deps.js';
import { ephemeral } from './deps.js';
import { enqueueOperation } from './enqueue-operation.js';
import { help } from './help.js';
import { jobs } from './jobs.js';

type Handler = (ctx: CommandContext<never>) => Promise<Ack>;

/** Commands answered from memory, in the ack itself; the rest ack at once and answer through response_url. */
const ANSWERED_IN_ACK: ReadonlySet<CommandName> = new Set(['help', 'clusters']);

/** Each command's handler; every one acks (through its return value) and none calls a cluster. */
export const COMMAND_HANDLERS: Record<CommandName, Handler> = {
  help: help as Handler,
  clusters: clusters as Handler,
  jobs: jobs as Handler,
  cancel: cancel as Handler,
  nodes: enqueueOperation as Handler,
  cordon: enqueueOperation as Handler,
  uncordon: enqueueOperation as Handler,
  drain: enqueueOperation as Handler,
  maintain: enqueueOperation as Handler,
  audit: audit as Handler,
};

/**
 * `/bosun …`: parse → ack → authorize → enqueue. Bad input is answered in the ack and enqueues nothing; the ack
 * never waits for Redis or Slack.
 */
export function slashCommand(deps: HandlerDeps) {
  return async ({ command, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
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
    const failed = (error: unknown): Ack => {
      log.error({ err: error }, 'handler failed');
      return ephemeral(
        notice(
          'error',
          `bosun could not take this request (${(error as Error).message}). Nothing was changed; try again.`,
        ),
      );
    };

    if (ANSWERED_IN_ACK.has(parsed.command.name)) {
      let answer: Ack;
      try {
        answer = await handler(ctx as CommandContext<never>);
      } catch (error) {
        answer = failed(error);
      }
      if (answer.kind === 'none') await ack();
      else await ack({ response_type: 'ephemeral', ...answer.message });
      return;
    }

    // Everything that touches Redis acks first, so Slack's 3 seconds never depend on Redis; the handler's answer
    // (a refusal, a listing) follows through the command's response_url, which Slack shows the same way.
    await ack();
    let answer: Ack;
    try {
      answer = await handler(ctx as CommandContext<never>);
    } catch (error) {
      answer = failed(error);
    }
    if (answer.kind === 'ephemeral') {
      try {
        await respond({ response_type: 'ephemeral', ...answer.message });
      } catch (error) {
        log.error({ err: error }, 'could not answer through response_url');
      }
    }
  };
}
