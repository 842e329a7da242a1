import { type Grammar, usageLine } from '../commands/grammar.js';
import type { UsageError } from '../commands/parse.js';
import type { SlackMessage } from '../queue/payloads.js';
import { context, escapeMrkdwn, section } from './blocks.js';

/** The ephemeral answer to a command bosun could not understand: what was wrong, a hint, the usage. */
export function usageMessage(error: UsageError, grammar: Grammar<unknown>, slash: string): SlackMessage {
  const spec = error.command ? grammar[error.command] : undefined;
  const usage =
    error.command && spec
      ? `Usage: \`${usageLine(error.command, spec, slash)}\``
      : `Commands: ${Object.keys(grammar)
          .map((n) => `\`${n}\``)
          .join(', ')}. \`${slash} help\` explains them.`;
  const lines = [`:warning: ${error.message}`, ...(error.hint ? [error.hint] : [])];
  return {
    text: `${lines.join(' ')} ${usage}`.replace(/`/g, ''),
    blocks: [section(lines.join('\n')), context(usage)],
  };
}

/** `help` and `help <command>`. */
export function helpMessage(grammar: Grammar<unknown>, slash: string, topic?: string): SlackMessage {
  const spec = topic ? grammar[topic] : undefined;
  if (topic && spec) {
    const flags = spec.flags.map(
      (f) =>
        `• \`--${f.name}${f.kind === 'value' ? ` ${f.value ?? 'VALUE'}` : ''}\` ${escapeMrkdwn(f.summary)}`,
    );
    const examples = spec.examples.map((e) => `\`${slash} ${e}\``).join('   ');
    return {
      text: `${usageLine(topic, spec, slash)}: ${spec.summary}`,
      blocks: [
        section(`*\`${usageLine(topic, spec, slash)}\`*\n${escapeMrkdwn(spec.summary)}`),
        ...(flags.length > 0 ? [section(flags.join('\n'))] : []),
        context(`Examples: ${examples}`),
      ],
    };
  }
  const names = Object.keys(grammar);
  const lines = Object.entries(grammar).map(
    ([name, command]) => `• \`${name}\` ${escapeMrkdwn(command.summary)}`,
  );
  return {
    text: `bosun commands: ${names.join(', ')}`,
    blocks: [
      section(`*bosun* runs cluster maintenance from this channel.\n${lines.join('\n')}`),
      context(
        `\`${slash} help <command>\` for its options. Changes that need approval are asked for in the request's thread.`,
      ),
    ],
  };
}
