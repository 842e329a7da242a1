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

/** Checks the bot token once at start-up (Bolt then needs no auth.test of its own). */
export async function verifyBotToken(web: WebClient, attempts = 5): Promise<BotIdentity> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
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
        throw new Error(`Slack rejected the bot token (${slackError}): check SLACK_BOT_TOKEN`);
      }
      lastError = error;
      await new Promise((r) => setTimeout(r, 500 * 2 ** i));
    }
  }
  throw new Error(
    `could not reach Slack to check the bot token: ${(lastError as Error)?.message ?? lastError}`,
  );
}
