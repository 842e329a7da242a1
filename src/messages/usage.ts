import { type Grammar, usageLine } from '../commands/grammar.js';
import { groupMembers, topLevelNames, type UsageError } from '../commands/parse.js';
import type { SlackMessage } from '../queue/payloads.js';
import { context, escapeMrkdwn, section } from './blocks.js';

/** The ephemeral answer to a command bosun could not understand: what was wrong, a hint, the usage. */
export function usageMessage(error: UsageError, grammar: Grammar<unknown>, slash: string): SlackMessage {
  const spec = error.command ? grammar[error.command] : undefined;
  const usage =
    error.command && spec
      ? `Usage: \`${usageLine(error.command, spec, slash)}\``
      : `Commands: ${topLevelNames(grammar)
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
  const members = topic ? groupMembers(grammar, topic) : [];
  if (topic && members.length > 0) {
    const lines = members.map((m) => {
      const name = `${topic} ${m}`;
      return `• \`${usageLine(name, grammar[name] as (typeof grammar)[string], slash)}\`\n   ${escapeMrkdwn(grammar[name]?.summary ?? '')}`;
    });
    return {
      text: `${slash} ${topic}: ${members.join(', ')}`,
      blocks: [
        section(`*\`${slash} ${topic}\`*\n${lines.join('\n')}`),
        context(`\`${slash} help ${topic} <command>\` for its options.`),
      ],
    };
  }
  // A group of commands (`backup now`, `backup list`, …) is one line, its members named.
  const names: string[] = [];
  const lines: string[] = [];
  for (const [name, command] of Object.entries(grammar)) {
    const group = name.includes(' ') ? name.slice(0, name.indexOf(' ')) : undefined;
    if (!group) {
      names.push(name);
      lines.push(`• \`${name}\` ${escapeMrkdwn(command.summary)}`);
    } else if (!names.includes(group)) {
      names.push(group);
      lines.push(`• \`${group}\` ${groupMembers(grammar, group).join(', ')}: \`${slash} help ${group}\``);
    }
  }
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
