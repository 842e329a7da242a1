import type { CommandName, HelpCommand } from '../src/commands/grammar.js';
import { helpMessage } from '../src/messages/usage.js';
import { type Ack, type CommandContext, ephemeral } from './deps.js';

type Help = ReturnType<typeof HelpCommand.parse>;

export async function help(ctx: CommandContext<Help>): Promise<Ack> {
  return ephemeral(helpMessage(ctx.deps.slash, ctx.command.topic as CommandName | undefined));
}
