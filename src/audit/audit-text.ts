import { unescapeSlackText } from '../commands/tokenize.js';

/** How long an entry's detail may be: a sentence, not a message. */
export const MAX_DETAIL = 200;

/** The user ids mentioned as `<@U…>` in `text`. */
export function mentionedUsers(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1] ?? '');
}

/**
 * `text` as one line of plain text for the audit: people by name (`nameOf`, else the label or the id), channels,
 * dates and links by their text, no bold or code marks, no Slack escapes (`&amp;`), at most `max` characters.
 */
export function auditText(
  text: string,
  nameOf: (userId: string) => string | undefined = () => undefined,
  max = MAX_DETAIL,
): string {
  const plain = text
    .replace(/<@([A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label?: string) => nameOf(id) ?? label ?? id)
    .replace(/<#([A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label?: string) => `#${label || id}`)
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label?: string) => label ?? id)
    .replace(/<!([a-z]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/```/g, ' ')
    .replace(/`/g, '')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,;:!?])/g, '$1$2');
  const line = unescapeSlackText(plain).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** A command as Slack sent it (`&amp;`, `<@U1|alice>`), as the person typed it. */
export function plainCommand(text: string): string {
  return unescapeSlackText(text).replace(/\s+/g, ' ').trim();
}

/** `2026-12-07 09:34:12Z`: the audit's times, in UTC to the second. */
export function auditTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
