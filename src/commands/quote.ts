/**
 * Shows user input inside a Slack message without letting it format, mention or link: backticks, angle
 * brackets and ampersands are replaced by look-alikes, newlines by spaces, and long input is cut.
 */
export function quote(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/[`<>&\n\r*_~]/g, (c) => QUOTE_MAP[c] ?? c);
}

const QUOTE_MAP: Record<string, string> = {
  '`': "'",
  '<': '‹',
  '>': '›',
  '&': '+',
  '\n': ' ',
  '\r': ' ',
  '*': '∗',
  _: '_',
  '~': '∼',
};
