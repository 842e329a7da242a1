import type { WebClient } from '@slack/web-api';

/** A link to one message (`chat.getPermalink`); undefined when Slack cannot give one, so callers fall back to ids. */
export async function messagePermalink(
  web: WebClient,
  channel: string,
  ts: string,
): Promise<string | undefined> {
  try {
    const result = await web.chat.getPermalink({ channel, message_ts: ts });
    return typeof result.permalink === 'string' ? result.permalink : undefined;
  } catch {
    return undefined;
  }
}
