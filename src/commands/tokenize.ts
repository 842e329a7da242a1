/** What went wrong reading the words of a command, before any meaning is attached. */
export class TokenizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenizeError';
  }
}

export const MAX_COMMAND_LENGTH = 1000;

/**
 * Slack sends slash-command text with `&`, `<` and `>` escaped and links, users and channels in angle
 * brackets (`<@U123|alice>`, `<#C123|ops>`, `<https://x|x>`). Undo the escaping and keep the id/label.
 */
export function unescapeSlackText(text: string): string {
  return text
    .replace(/<([@#!][^|>]*)(?:\|[^>]*)?>/g, '$1')
    .replace(/<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>/g, (_m, url: string, label?: string) => label ?? url)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * Splits a command into words like a shell would for quoting ("two words", 'two words'), without any
 * expansion. Slack's "smart quotes" count as quotes. Control characters are refused.
 */
export function tokenize(input: string): string[] {
  if (input.length > MAX_COMMAND_LENGTH) {
    throw new TokenizeError(
      `the command is ${input.length} characters long; the limit is ${MAX_COMMAND_LENGTH}`,
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(input)) {
    throw new TokenizeError('the command contains control characters; type it again as plain text');
  }
  const text = input.replace(/[\u201c\u201d]/g, '"').replace(/[\u2018\u2019]/g, "'");
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw new TokenizeError(`a ${quote} quote is not closed`);
  if (inWord) words.push(current);
  return words;
}
