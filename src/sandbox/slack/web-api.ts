import { z } from 'zod';
import type { FaultAnswer, FaultInjector } from './fault-injector.js';
import { SlackApiError } from './slack-api-error.js';
import type { WebApiParams } from './web-api-params.js';

/** One Web API method the stand-in implements. */
export interface WebApiMethod {
  /** The scope Slack wants for it ('' for none); sent back in `x-accepted-oauth-scopes` like Slack does. */
  scope: string;
  /** Which token it takes: the bot token (`xoxb-`) or the app-level token (`xapp-`). */
  token: 'bot' | 'app';
  /** A per-call allowance checked before it runs (the posting limit of `chat.postMessage`). */
  allowance?: (params: WebApiParams) => FaultAnswer | undefined;
  run(params: WebApiParams): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export interface WebApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'files:write',
  'users:read',
  'usergroups:read',
  'channels:read',
  'groups:read',
  'im:write',
].join(',');

/** The `/api/<method>` endpoint: authentication, faults, call counts and Slack's response envelope. */
export class SlackWebApi {
  readonly #calls = new Map<string, number>();

  constructor(
    private readonly methods: Record<string, WebApiMethod>,
    private readonly tokens: { bot: string; app: string | undefined },
    private readonly faults: FaultInjector,
  ) {}

  callCount(method: string): number {
    return this.#calls.get(method) ?? 0;
  }

  async call(method: string, params: WebApiParams, authorization: string | undefined): Promise<WebApiAnswer> {
    this.#calls.set(method, (this.#calls.get(method) ?? 0) + 1);
    const spec = this.methods[method];
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-oauth-scopes': BOT_SCOPES,
    };
    if (spec?.scope) headers['x-accepted-oauth-scopes'] = spec.scope;
    const fault = this.faults.takeInjected(method);
    if (fault) return faultAnswer(fault, headers);
    if (!spec)
      return { status: 200, headers, body: { ok: false, error: 'unknown_method', req_method: method } };

    const token = bearerToken(authorization) ?? (typeof params.token === 'string' ? params.token : undefined);
    if (token === undefined || token === '')
      return { status: 200, headers, body: { ok: false, error: 'not_authed' } };
    const kind = token === this.tokens.bot ? 'bot' : token === this.tokens.app ? 'app' : undefined;
    if (kind === undefined) return { status: 200, headers, body: { ok: false, error: 'invalid_auth' } };
    if (kind !== spec.token)
      return { status: 200, headers, body: { ok: false, error: 'not_allowed_token_type' } };

    const limited = spec.allowance?.(params);
    if (limited) return faultAnswer(limited, headers);
    try {
      const result = await spec.run(params);
      return { status: 200, headers, body: { ok: true, ...result } };
    } catch (error) {
      if (error instanceof SlackApiError)
        return { status: 200, headers, body: { ok: false, error: error.code, ...error.extra } };
      if (error instanceof z.ZodError) {
        const messages = error.issues.map(
          (issue) => `[ERROR] ${issue.message} [json-pointer:/${issue.path.join('/')}]`,
        );
        return {
          status: 200,
          headers,
          body: { ok: false, error: 'invalid_arguments', response_metadata: { messages } },
        };
      }
      throw error;
    }
  }
}

function faultAnswer(fault: FaultAnswer, headers: Record<string, string>): WebApiAnswer {
  const withRetry =
    fault.retryAfterSeconds === undefined
      ? headers
      : { ...headers, 'retry-after': String(fault.retryAfterSeconds) };
  return { status: fault.status, headers: withRetry, body: { ok: false, error: fault.error } };
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = authorization?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}
