/**
 * A time in a Slack message: Slack shows `<!date^…>` in each reader's own time zone; the text after `|` is
 * what clients that cannot render it (and notifications) show, in UTC.
 */
export function slackTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${utcText(ms)}>`;
}

/** `2026-11-25 12:00 UTC` */
export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
