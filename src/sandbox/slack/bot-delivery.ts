import { performance } from 'node:perf_hooks';
import type { Clock } from '../../shared/clock.js';
import { isRecord } from './block-kit-elements.js';
import { postForm } from './http-form-post.js';
import type { SlackDelivery } from './options.js';
import { slackRequestSignature } from './request-signature.js';
import type { SocketModeHub } from './socket-mode-hub.js';

export type DeliveryBody =
  | { kind: 'slash_commands'; fields: Record<string, string> }
  | { kind: 'interactive'; payload: Record<string, unknown> };

export interface DeliverySigning {
  /** `forged` signs with a wrong secret, as an attacker without the signing secret would. */
  signature: 'valid' | 'forged';
  /** Overrides `x-slack-request-timestamp` (unix seconds), e.g. to send a stale request. */
  timestampSeconds: number | undefined;
}

export interface DeliveryOutcome {
  /** The bot's HTTP status; over a socket 200 once acked. 504 when no ack came in time, 502/503 when unreachable. */
  status: number;
  /** The raw ack body: the HTTP response text, or the socket ack's payload as JSON ('' when empty). */
  body: string;
  /** The ack body as Slack reads it: a JSON object, plain text as `{ text }`, or undefined when empty. */
  response: Record<string, unknown> | undefined;
  ackMs: number;
  failure: 'timeout' | 'no_connection' | 'unreachable' | undefined;
}

/** Sends slash commands and interactivity to the bot, exactly as Slack would over HTTP or Socket Mode. */
export class BotDelivery {
  constructor(
    private target: SlackDelivery,
    private readonly signingSecret: string,
    private readonly hub: SocketModeHub,
    private readonly clock: Clock,
    private readonly ackTimeoutMs: number,
  ) {}

  retarget(target: SlackDelivery): void {
    this.target = target;
  }

  /** The HTTP request Slack would send to the Request URL: its form body and signature headers. */
  signHttp(
    body: DeliveryBody,
    signing: DeliverySigning,
  ): { url: string; body: string; headers: Record<string, string> } {
    if (this.target.mode !== 'http') throw new Error('the bot is reached over a socket, not by HTTP');
    const form =
      body.kind === 'slash_commands'
        ? new URLSearchParams(body.fields).toString()
        : new URLSearchParams({ payload: JSON.stringify(body.payload) }).toString();
    const timestamp = signing.timestampSeconds ?? Math.floor(this.clock.now() / 1000);
    const secret = signing.signature === 'forged' ? `${this.signingSecret}-forged` : this.signingSecret;
    return {
      url: this.target.url,
      body: form,
      headers: {
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackRequestSignature(secret, timestamp, form),
      },
    };
  }

  async deliver(body: DeliveryBody, signing: DeliverySigning): Promise<DeliveryOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    if (this.target.mode === 'socket') {
      const payload = body.kind === 'slash_commands' ? body.fields : body.payload;
      const ack = await this.hub.send(body.kind, payload, this.ackTimeoutMs);
      if (!ack.acked) {
        const timedOut = ack.reason === 'timeout';
        return {
          status: timedOut ? 504 : 503,
          body: '',
          response: undefined,
          ackMs: elapsed(),
          failure: timedOut ? 'timeout' : 'no_connection',
        };
      }
      const empty = Object.keys(ack.payload).length === 0;
      return {
        status: 200,
        body: empty ? '' : JSON.stringify(ack.payload),
        response: empty ? undefined : ack.payload,
        ackMs: elapsed(),
        failure: undefined,
      };
    }

    const signed = this.signHttp(body, signing);
    const result = await postForm(signed.url, signed.body, signed.headers, this.ackTimeoutMs);
    if (result.outcome === 'timeout') {
      return { status: 504, body: '', response: undefined, ackMs: elapsed(), failure: 'timeout' };
    }
    if (result.outcome === 'unreachable') {
      return {
        status: 502,
        body: result.error,
        response: undefined,
        ackMs: elapsed(),
        failure: 'unreachable',
      };
    }
    return {
      status: result.status,
      body: result.body,
      response: result.status === 200 ? readAckBody(result.body, result.contentType) : undefined,
      ackMs: elapsed(),
      failure: undefined,
    };
  }
}

/** Slack reads a JSON ack as a message object and any other non-empty text as the message text. */
function readAckBody(body: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (body.trim() === '') return undefined;
  if (contentType?.includes('json') || body.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (isRecord(parsed)) return parsed;
    } catch {
      // not JSON after all: Slack shows it as text
    }
  }
  return { text: body };
}
