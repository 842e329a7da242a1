import { didYouMean } from '../shared/did-you-mean.js';
import type { Grammar } from './grammar.js';
import { quote } from './quote.js';
import { TokenizeError, tokenize, unescapeSlackText } from './tokenize.js';

/** Why a command could not be understood, what to do instead, and the usage to show. */
export interface UsageError {
  message: string;
  hint?: string;
  /** The subcommand the error is about, when known (its usage is shown). */
  command?: string;
}

export type ParseResult<C> = { ok: true; command: C } | { ok: false; error: UsageError };

function fail(message: string, extra: Omit<UsageError, 'message'> = {}): { ok: false; error: UsageError } {
  return { ok: false, error: { message, ...extra } };
}

/**
 * Parses the text after `/bosun` into a typed command of `grammar`, or a usage error with a hint. An empty text
 * is `help`.
 */
export function parseCommand<C>(text: string, grammar: Grammar<C>): ParseResult<C> {
  const names = Object.keys(grammar);
  let words: string[];
  try {
    words = tokenize(unescapeSlackText(text).trim());
  } catch (error) {
    if (error instanceof TokenizeError) return fail(error.message);
    throw error;
  }
  // A command is one word or several (`backup schedule set`): the longest name the words start with.
  const size =
    [3, 2, 1].find((n) => words.length >= n && grammar[words.slice(0, n).join(' ').toLowerCase()]) ?? 1;
  const first = words[0];
  const rest = words.slice(size);
  const name = (words.length > 0 ? words.slice(0, size).join(' ') : 'help').toLowerCase();
  const spec = grammar[name];
  if (!spec) {
    const group = groupMembers(grammar, name);
    if (group.length > 0) {
      const next = words[1];
      return fail(
        next === undefined
          ? `\`${name}\` needs one of ${group.map((g) => `\`${g}\``).join(', ')}.`
          : `\`${name} ${quote(next)}\` is not a bosun command.`,
        {
          hint: `${next !== undefined && didYouMean(`${name} ${next.toLowerCase()}`, names) ? `Did you mean \`${didYouMean(`${name} ${next.toLowerCase()}`, names)}\`? ` : ''}\`help ${name}\` explains them.`,
        },
      );
    }
    const suggestion = didYouMean(name, names);
    return fail(`\`${quote(first ?? name)}\` is not a bosun command.`, {
      hint: suggestion ? `Did you mean \`${suggestion}\`?` : 'Try `help` for the list of commands.',
    });
  }
  const commandName = name;

  const args: string[] = [];
  const flags: Record<string, string | boolean> = {};
  const known = spec.flags.map((f) => f.name);
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i] ?? '';
    if (word === '--') {
      args.push(...rest.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      args.push(word);
      continue;
    }
    const body = word.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const flagName = (eq >= 0 ? body.slice(0, eq) : body).toLowerCase();
    const flag = spec.flags.find((f) => f.name === flagName);
    if (!flag) {
      const suggestion = didYouMean(flagName, known);
      return fail(`\`${commandName}\` has no option \`--${quote(flagName, 30)}\`.`, {
        command: commandName,
        hint: suggestion
          ? `Did you mean \`--${suggestion}\`?`
          : known.length > 0
            ? `Its options are ${known.map((k) => `\`--${k}\``).join(', ')}.`
            : `\`${commandName}\` takes no options.`,
      });
    }
    if (flagName in flags) {
      return fail(`\`--${flagName}\` is given twice.`, { command: commandName });
    }
    if (flag.kind === 'boolean') {
      if (eq >= 0) {
        const value = body.slice(eq + 1).toLowerCase();
        if (value !== 'true' && value !== 'false') {
          return fail(`\`--${flagName}\` is a switch: write \`--${flagName}\` alone.`, {
            command: commandName,
          });
        }
        flags[flagName] = value === 'true';
      } else flags[flagName] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = body.slice(eq + 1);
    else {
      value = rest[i + 1];
      i++;
    }
    if (value === undefined || value === '') {
      return fail(`\`--${flagName}\` needs a value (${flag.value ?? 'VALUE'}).`, { command: commandName });
    }
    flags[flagName] = value;
  }

  if (args.length < spec.args.min) {
    return fail(
      spec.args.max > 1
        ? `\`${commandName}\` needs at least one ${spec.args.name}.`
        : `\`${commandName}\` needs a ${spec.args.name}.`,
      {
        command: commandName,
        hint: `For example: \`/bosun ${spec.examples[spec.examples.length - 1] ?? commandName}\``,
      },
    );
  }
  if (args.length > spec.args.max) {
    const extra = args[spec.args.max] ?? '';
    return fail(
      spec.args.max === 0
        ? `\`${commandName}\` takes no arguments, but got \`${quote(extra)}\`.`
        : `\`${commandName}\` takes at most ${spec.args.max} ${spec.args.name}${spec.args.max > 1 ? 's' : ''}.`,
      { command: commandName },
    );
  }
  const duplicates = args.filter((a, i) => args.indexOf(a) !== i);
  if (duplicates.length > 0) {
    return fail(`\`${quote(duplicates[0] ?? '')}\` is named twice.`, { command: commandName });
  }

  if (commandName === 'help' && args[0] !== undefined) {
    const topic = args.join(' ').toLowerCase();
    if (!grammar[topic] && groupMembers(grammar, topic).length === 0) {
      const suggestion = didYouMean(topic, names);
      return fail(`There is no command \`${quote(topic)}\` to explain.`, {
        hint: suggestion ? `Did you mean \`help ${suggestion}\`?` : 'Try `help` for the list of commands.',
      });
    }
    args.splice(0, args.length, topic);
  }
  const parsed = spec.schema.safeParse({ args, flags });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [kind, key] = issue?.path ?? [];
    const where =
      kind === 'flags' && typeof key === 'string'
        ? `\`--${key}\`: `
        : kind === 'args' && typeof key === 'number' && issue?.message.startsWith('is ')
          ? `\`${quote(args[key] ?? '')}\` `
          : '';
    return fail(`${where}${issue?.message ?? 'invalid command'}`, { command: commandName });
  }
  return { ok: true, command: parsed.data };
}

/** The commands of a group (`backup` → `backup now`, `backup list`, …), as the words after the group's name. */
export function groupMembers(grammar: Grammar<unknown>, group: string): string[] {
  return Object.keys(grammar)
    .filter((n) => n.startsWith(`${group} `))
    .map((n) => n.slice(group.length + 1));
}

/** The names help lists: each single command, and each group once (`backup`). */
export function topLevelNames(grammar: Grammar<unknown>): string[] {
  return [...new Set(Object.keys(grammar).map((n) => n.split(' ')[0] ?? n))];
}

export { quote };
