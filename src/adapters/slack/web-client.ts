import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { slackLogger } from './slack-logger.js';

/**
 * A Web API client for bosun's own calls. It never retries or waits on its own: the outbox paces, honours
 * Retry-After and retries, so a slow Slack never blocks a worker slot.
 */
export function createWebClient(token: string, logger: Logger, apiUrl?: string): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    logger: slackLogger(logger),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
  });
}

export interface BotIdentity {
  botId: string;
  botUserId: string;
  team?: string;
}

const SLACK_API_URL = 'https://slack.com/api/';

/** Why a call never got an answer from Slack, in a few words, from the network error under web-api's. */
function unreachableReason(error: unknown): string | undefined {
  const e = error as {
    code?: string;
    statusCode?: number;
    original?: {
      name?: string;
      cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> };
    };
  };
  if (e.code === 'slack_webapi_http_error') {
    return `it answered HTTP ${e.statusCode ?? '?'}, which the Slack Web API does not`;
  }
  if (e.code !== 'slack_webapi_request_error') return undefined;
  const cause = e.original?.cause;
  const code = cause?.code ?? cause?.errors?.find((inner) => inner.code)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'the connection was refused (ECONNREFUSED)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name does not resolve (${code})`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `the connection timed out (${code})`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `the connection was closed before an answer (${code})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to the host (${code})`;
    default:
      if (code?.startsWith('ERR_TLS') || /CERT|SSL/.test(code ?? '')) return `TLS failed (${code})`;
      if (cause?.message === 'bad port') return 'fetch refuses to connect to that port';
      if (e.original?.name === 'TimeoutError' || e.original?.name === 'AbortError')
        return 'no answer in time';
      return code ? `the request failed (${code})` : 'the request failed';
  }
}

/**
 * Slack could not be reached, or refused the token, at start-up. The message is the whole story, in one line:
 * the URL or the variable, and what to check; no stack trace is worth showing with it.
 */
export class SlackStartupError extends Error {
  override name = 'SlackStartupError';
}

/** Checks the bot token once at start-up (Bolt then needs no auth.test of its own). */
export async function verifyBotToken(web: WebClient, attempts = 5): Promise<BotIdentity> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** (i - 1)));
    try {
      const result = await web.auth.test();
      return {
        botId: String(result.bot_id ?? ''),
        botUserId: String(result.user_id ?? ''),
        team: result.team,
      };
    } catch (error) {
      const slackError = (error as { data?: { error?: string } }).data?.error;
      if (
        slackError === 'invalid_auth' ||
        slackError === 'not_authed' ||
        slackError === 'account_inactive' ||
        slackError === 'token_revoked'
      ) {
        throw new SlackStartupError(`Slack rejected the bot token (${slackError}): check SLACK_BOT_TOKEN`);
      }
      lastError = error;
    }
  }
  const url = web.slackApiUrl;
  const reason = unreachableReason(lastError);
  if (reason === undefined) {
    const slackError = (lastError as { data?: { error?: string } }).data?.error;
    throw new SlackStartupError(
      `Slack at ${url} refused auth.test${slackError ? ` (${slackError})` : ''}; check the bot token and the app's scopes`,
    );
  }
  const check =
    url === SLACK_API_URL
      ? 'check the network, DNS and any proxy between here and slack.com'
      : 'check that slack.apiUrl (SLACK_API_URL) is the Slack Web API and is reachable from here';
  throw new SlackStartupError(
    `cannot reach Slack at ${url} to check the bot token (auth.test, ${attempts === 1 ? 'once' : `${attempts} tries`}): ${reason}; ${check}`,
  );
}
