import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { BotCommand } from '../src/commands/grammar.js';
import { parseCommand } from '../src/commands/parse.js';
import { commandWithoutUser } from '../src/messages/command-refusals.js';
import { notice } from '../src/messages/notice.js';
import { usageMessage } from '../src/messages/usage.js';
import { COMMANDS, type Command, isClusterCommand } from '../src/operations/registry.js';
import type { RequestMeta } from '../src/queue/payloads.js';
import { requestIdFromTrigger } from '../src/requests/request-id.js';
import { audit } from './audit.js';
import { cancel } from './cancel.js';
import { clusters } from './clusters.js';
import type { Ack, CommandContext, HandlerDeps } from './deps.js';
import { ephemeral } from './deps.js';
import { enqueueOperation } from './enqueue-operation.js';
import { help } from './help.js';
import { jobs } from './jobs.js';

/** Commands answered from memory, in the ack itself; the rest ack at once and answer through response_url. */
const answeredInAck = (command: Command): boolean => command.name === 'help' || command.name === 'clusters';

/**
 * Runs one command: the bot's own commands have their handlers; every other command is an operation of the
 * registry, which the common path authorizes and enqueues. None calls a cluster.
 */
function handle(
  deps: HandlerDeps,
  meta: RequestMeta,
  command: Command,
  log: CommandContext<unknown>['log'],
): Promise<Ack> {
  if (isClusterCommand(command)) {
    return enqueueOperation({ meta, command, deps, log }, deps.operations[command.name]);
  }
  return handleBotCommand(deps, meta, command, log);
}

function handleBotCommand(
  deps: HandlerDeps,
  meta: RequestMeta,
  command: BotCommand,
  log: CommandContext<unknown>['log'],
): Promise<Ack> {
  switch (command.name) {
    case 'help':
      return help({ meta, command, deps, log });
    case 'clusters':
      return clusters({ meta, command, deps, log });
    case 'jobs':
      return jobs({ meta, command, deps, log });
    case 'cancel':
      return cancel({ meta, command, deps, log });
    case 'audit':
      return audit({ meta, command, deps, log });
  }
}

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
    if (!meta.user) {
      // Slack always names the person; a delivery without one is not something bosun can authorize or audit.
      log.warn('command without a user refused');
      await ack({ response_type: 'ephemeral', ...commandWithoutUser() });
      return;
    }
    const parsed = parseCommand<Command>(command.text, COMMANDS);
    if (!parsed.ok) {
      log.info({ error: parsed.error.message }, 'usage error');
      await ack({ response_type: 'ephemeral', ...usageMessage(parsed.error, COMMANDS, deps.slash) });
      return;
    }
    const run = () => handle(deps, meta, parsed.command, log);
    const failed = (error: unknown): Ack => {
      log.error({ err: error }, 'handler failed');
      return ephemeral(
        notice(
          'error',
          `bosun could not take this request (${(error as Error).message}). Nothing was changed; try again.`,
        ),
      );
    };

    if (answeredInAck(parsed.command)) {
      let answer: Ack;
      try {
        answer = await run();
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
      answer = await run();
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
