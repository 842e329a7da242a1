import type { SlackMessage } from '../../queue/payloads.js';

/**
 * Answers a command through its response_url, as Bolt's `respond` does (a JSON POST), for a process that has no
 * Bolt request in hand: a worker finishing a command the bot did not. Throws on anything but a 2xx, so the
 * caller's job retries.
 */
export async function respondThroughUrl(
  url: string,
  message: SlackMessage,
  timeoutMs = 10_000,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', ...message }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    throw new Error(`response_url answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }
}
