import type { HelpCommand } from '../src/commands/grammar.js';
import { helpMessage } from '../src/messages/usage.js';
import { COMMANDS } from '../src/operations/registry.js';
import { type Ack, type CommandContext, ephemeral } from './deps.js';

type Help = ReturnType<typeof HelpCommand.parse>;

export async function help(ctx: CommandContext<Help>): Promise<Ack> {
  return ephemeral(helpMessage(COMMANDS, ctx.deps.slash, ctx.command.topic));
}
