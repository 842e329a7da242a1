import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { BotCommand } from '../src/commands/grammar.js';
import { parseCommand } from '../src/commands/parse.js';
import { takeIn } from '../src/intake/take-in.js';
import { commandNotRecorded, commandWithoutUser } from '../src/messages/command-refusals.js';
import { notice } from '../src/messages/notice.js';
import { usageMessage } from '../src/messages/usage.js';
import { COMMANDS, type Command, isClusterCommand } from '../src/operations/registry.js';
import { type IntakePayload, IntakeTimeoutError } from '../src/queue/intake-queue.js';
import type { RequestMeta } from '../src/queue/payloads.js';
import { requestIdFromTrigger } from '../src/requests/request-id.js';
import { audit } from './audit.js';
import { cancel } from './cancel.js';
import { clusters } from './clusters.js';
import type { Ack, CommandContext, HandlerDeps } from './deps.js';
import { ephemeral } from './deps.js';
import { help } from './help.js';
import { jobs } from './jobs.js';

/** Commands answered from memory, in the ack itself; the rest ack at once and answer through response_url. */
const answeredInAck = (command: Command): boolean => command.name === 'help' || command.name === 'clusters';

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
 * `/bosun …`. Bad input is answered in the ack and records nothing. A command that becomes a request (every
 * operation of the registry) is made durable *before* the ack: one write of the intake (src/queue/intake-queue.ts,
 * bounded well inside Slack's 3 s); then the ack; then the intake step (src/intake/take-in.ts: authorize, card,
 * job, audit), which a worker reruns if this process dies first. So an acknowledged command always completes, and
 * one that could not be recorded is answered with that, in the ack. This reverses "ack first" for slash commands
 * only: Slack does not redeliver an acknowledged command, while clicks and modals stay ack-first. The bot's own
 * commands (jobs, cancel, audit) ack first and answer through response_url.
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
    if (isClusterCommand(parsed.command)) {
      await takeCommand(
        deps,
        { v: 1, request: meta, command: parsed.command, responseUrl: command.response_url },
        {
          ack,
          respond,
          log,
        },
      );
      return;
    }
    const botCommand = parsed.command;
    const run = () => handleBotCommand(deps, meta, botCommand, log);
    const failed = (error: unknown): Ack => {
      log.error({ err: error }, 'handler failed');
      return ephemeral(
        notice(
          'error',
          `bosun could not take this request (${(error as Error).message}). Nothing was changed; try again.`,
        ),
      );
    };

    if (answeredInAck(botCommand)) {
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

/** A command that becomes a request: durable first, then acked, then taken in (by this process if it lives). */
async function takeCommand(
  deps: HandlerDeps,
  intake: IntakePayload,
  slack: Pick<SlackCommandMiddlewareArgs, 'ack' | 'respond'> & { log: CommandContext<unknown>['log'] },
): Promise<void> {
  const { ack, respond, log } = slack;
  try {
    await deps.intake.record(intake);
  } catch (error) {
    const reason =
      error instanceof IntakeTimeoutError ? error.message : `Redis refused it: ${(error as Error).message}`;
    log.error({ err: error }, 'command not recorded');
    await ack({ response_type: 'ephemeral', ...commandNotRecorded(reason) });
    return;
  }
  await ack();
  try {
    const { answer } = await takeIn(deps, intake, log);
    if (answer) await respond({ response_type: 'ephemeral', ...answer });
    await deps.intake.done(intake.request.id);
  } catch (error) {
    // Recorded, so not lost: the intake's backstop reruns the step on a worker until it completes.
    log.warn({ err: error }, 'intake left to a worker');
  }
}
