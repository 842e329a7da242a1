import { COMMAND_NAMES, COMMANDS, type CommandName, usageLine } from '../commands/grammar.js';
import type { UsageError } from '../commands/parse.js';
import type { SlackMessage } from '../queue/payloads.js';
import { context, escapeMrkdwn, section } from './blocks.js';

/** The ephemeral answer to a command bosun could not understand: what was wrong, a hint, the usage. */
export function usageMessage(error: UsageError, slash: string): SlackMessage {
  const usage = error.command
    ? `Usage: \`${usageLine(error.command, slash)}\``
    : `Commands: ${COMMAND_NAMES.map((n) => `\`${n}\``).join(', ')}. \`${slash} help\` explains them.`;
  const lines = [`:warning: ${error.message}`, ...(error.hint ? [error.hint] : [])];
  return {
    text: `${lines.join(' ')} ${usage}`.replace(/`/g, ''),
    blocks: [section(lines.join('\n')), context(usage)],
  };
}

/** `help` and `help <command>`. */
export function helpMessage(slash: string, topic?: CommandName): SlackMessage {
  if (topic) {
    const spec = COMMANDS[topic];
    const flags = spec.flags.map(
      (f) =>
        `• \`--${f.name}${f.kind === 'value' ? ` ${f.value ?? 'VALUE'}` : ''}\` ${escapeMrkdwn(f.summary)}`,
    );
    const examples = spec.examples.map((e) => `\`${slash} ${e}\``).join('   ');
    return {
      text: `${usageLine(topic, slash)}: ${spec.summary}`,
      blocks: [
        section(`*\`${usageLine(topic, slash)}\`*\n${escapeMrkdwn(spec.summary)}`),
        ...(flags.length > 0 ? [section(flags.join('\n'))] : []),
        context(`Examples: ${examples}`),
      ],
    };
  }
  const lines = COMMAND_NAMES.map((name) => `• \`${name}\` ${escapeMrkdwn(COMMANDS[name].summary)}`);
  return {
    text: `bosun commands: ${COMMAND_NAMES.join(', ')}`,
    blocks: [
      section(`*bosun* runs cluster maintenance from this channel.\n${lines.join('\n')}`),
      context(
        `\`${slash} help <command>\` for its options. Changes that need approval are asked for in the request's thread.`,
      ),
    ],
  };
}
