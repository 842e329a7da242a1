import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPReceiver, isValidSlackRequest } from '@slack/bolt';
import type { Logger } from 'pino';

/** What the HTTP receiver accepts before Bolt sees a request. */
export interface ReceiverLimits {
  /**
   * The largest body read. Slack's deliveries are far smaller: a slash command is a few hundred bytes, a
   * block_actions payload carries the message (at most 50 blocks of 3,000 characters) and a view submission its
   * view (at most 100 blocks), well under 1 MiB.
   */
  bodyLimitBytes: number;
  /** Bodies read at once before their signature is checked; more get 503 and Slack retries. */
  maxUnverified: number;
  /** How far a signed timestamp may be ahead of this clock, as Bolt allows behind it (5 minutes). */
  maxSkewSeconds: number;
}

export const DEFAULT_RECEIVER_LIMITS: ReceiverLimits = {
  bodyLimitBytes: 1024 * 1024,
  maxUnverified: 32,
  maxSkewSeconds: 300,
};

class BodyTooLarge extends Error {}

/** Reads the body, giving up (and discarding what came) past `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A signed body Bolt would crash on or misread: a payload that is not a JSON object, or JSON that is not one. */
function malformed(body: string, contentType: string | undefined): string | undefined {
  const isObject = (text: string) => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    } catch {
      return false;
    }
  };
  if (contentType === 'application/json')
    return isObject(body) ? undefined : 'the JSON body is not an object';
  const form = parseQuery(body);
  if (form.payload === undefined) return undefined;
  if (typeof form.payload !== 'string' || !isObject(form.payload)) return 'its payload is not a JSON object';
  return undefined;
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { connection: 'close', ...headers });
  res.end();
}

/**
 * Bolt's HTTP receiver behind a guard that runs before Bolt reads anything: a body larger than Slack sends is
 * refused (413) by its Content-Length or as soon as it grows past the limit, without being kept; at most
 * `maxUnverified` bodies are read at once (the rest get 503, so unsigned floods cannot grow the heap); a
 * signed timestamp too far in the future is refused like a stale one (401); a signed body whose payload is not
 * a JSON object (`payload=null`) is refused (400) instead of reaching Bolt, which would throw outside any
 * handler. What passes is handed to Bolt already read, and Bolt verifies the signature as always.
 */
export function guardedReceiver(
  options: { signingSecret: string; logger: Logger; limits?: Partial<ReceiverLimits> },
  boltOptions: Omit<ConstructorParameters<typeof HTTPReceiver>[0], 'signingSecret'> = {},
): HTTPReceiver {
  const limits = { ...DEFAULT_RECEIVER_LIMITS, ...options.limits };
  const { signingSecret, logger } = options;
  const receiver = new HTTPReceiver({ ...boltOptions, signingSecret, bodyLimit: limits.bodyLimitBytes });
  const bolt: RequestListener = receiver.requestListener;
  let unverified = 0;

  const guard = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(timestamp) && timestamp > Date.now() / 1000 + limits.maxSkewSeconds) {
      logger.warn({ timestamp }, 'slack request refused: its timestamp is in the future');
      answer(res, 401);
      req.resume();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limits.bodyLimitBytes) {
      logger.warn({ bytes: declared }, 'slack request refused: body larger than Slack sends');
      answer(res, 413);
      req.destroy();
      return;
    }
    if (unverified >= limits.maxUnverified) {
      logger.warn({ unverified }, 'slack request refused: too many bodies being read at once');
      answer(res, 503, { 'retry-after': '1' });
      req.destroy();
      return;
    }
    unverified++;
    let raw: Buffer;
    try {
      raw = await readBody(req, limits.bodyLimitBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        logger.warn('slack request refused: body larger than Slack sends');
        answer(res, 413);
      } else {
        answer(res, 400);
      }
      return;
    } finally {
      unverified--;
    }
    const body = raw.toString('utf8');
    const signed = isValidSlackRequest({
      signingSecret,
      body,
      headers: {
        'x-slack-signature': String(req.headers['x-slack-signature'] ?? ''),
        'x-slack-request-timestamp': timestamp,
      },
    });
    const contentType = req.headers['content-type'];
    const problem = signed ? malformed(body, contentType) : undefined;
    if (problem) {
      logger.warn({ problem }, 'signed slack request refused: malformed body');
      answer(res, 400);
      return;
    }
    // Bolt takes a request whose rawBody is a Buffer as already read (HTTPModuleFunctions.bufferIncomingMessage).
    Object.assign(req, { rawBody: raw });
    bolt(req, res);
  };

  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST') {
      bolt(req, res);
      return;
    }
    guard(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'slack request failed in the receiver');
      if (!res.headersSent) answer(res, 500);
    });
  };
  return receiver;
}
