import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import { type BlockObject, withSlackIds } from './block-kit-elements.js';
import type { MessageStore, StoredMessage } from './message-store.js';
import type { SlackIds } from './slack-ids.js';
import { blocksArgument, flagArgument, metadataArgument, textArgument } from './web-api-params.js';
import type { WorkspaceDirectory } from './workspace-directory.js';

/** Slack accepts a response_url for 30 minutes, 5 times. */
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;
export const RESPONSE_URL_MAX_USES = 5;

export interface ResponseContext {
  channel: string;
  user: string;
  requestId: string | undefined;
  /** The message `replace_original`/`delete_original` act on: the clicked message, or the last response. */
  originalTs: string | undefined;
  /** Whether the original stays the original (a clicked message) or each new response becomes it (a command). */
  source: 'command' | 'action';
  /** New responses go to this thread unless they name one (a click on a thread reply answers in that thread). */
  threadTs: string | undefined;
}

interface ResponseTarget extends ResponseContext {
  token: string;
  createdAt: number;
  uses: number;
}

const responseSchema = z.looseObject({
  text: textArgument.optional(),
  blocks: blocksArgument.optional(),
  response_type: z.enum(['in_channel', 'ephemeral']).optional(),
  replace_original: flagArgument.optional(),
  delete_original: flagArgument.optional(),
  thread_ts: textArgument.optional(),
  metadata: metadataArgument.optional(),
});

export type ResponseBody = z.output<typeof responseSchema>;

export interface ResponseAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** `response_url`s and what posting to one does; also records ack bodies, which Slack treats the same way. */
export class ResponseUrls {
  readonly #targets = new Map<string, ResponseTarget>();
  readonly #byTrigger = new Map<string, string>();

  constructor(
    private readonly store: MessageStore,
    private readonly directory: WorkspaceDirectory,
    private readonly ids: SlackIds,
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
  ) {}

  /**
   * Returns the token; the URL is `<base>/respond/<token>`. A redelivery (same trigger id) gets the same URL, as
   * Slack resends the same payload.
   */
  create(triggerId: string, context: ResponseContext): string {
    const known = this.#byTrigger.get(triggerId);
    if (known !== undefined) return known;
    const token = this.ids.token();
    this.#targets.set(token, { ...context, token, createdAt: this.clock.now(), uses: 0 });
    this.#byTrigger.set(triggerId, token);
    return token;
  }

  urlOf(token: string): string {
    return `${this.baseUrl()}/respond/${token}`;
  }

  /** An ack body is a response that does not use up one of the URL's five posts. */
  recordAck(token: string, body: Record<string, unknown>): void {
    const target = this.#targets.get(token);
    const parsed = responseSchema.safeParse(body);
    if (!target || !parsed.success) return;
    this.#apply(target, parsed.data);
  }

  /** A POST to the response URL. */
  post(token: string, rawBody: string): ResponseAnswer {
    const target = this.#targets.get(token);
    if (!target) return { status: 404, body: { ok: false, error: 'invalid_url' } };
    if (this.clock.now() - target.createdAt > RESPONSE_URL_TTL_MS) {
      return { status: 404, body: { ok: false, error: 'expired_url' } };
    }
    if (target.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: 'used_url' } };
    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) return { status: 400, body: { ok: false, error: 'invalid_payload' } };
    const body = parsed.data;
    const hasContent = (body.text ?? '') !== '' || (body.blocks?.length ?? 0) > 0;
    if (!hasContent && body.delete_original !== true)
      return { status: 400, body: { ok: false, error: 'no_text' } };
    target.uses += 1;
    this.#apply(target, body);
    return { status: 200, body: { ok: true } };
  }

  #apply(target: ResponseTarget, body: ResponseBody): void {
    const original =
      target.originalTs === undefined ? undefined : this.store.find(target.channel, target.originalTs);
    if (body.delete_original === true) {
      if (original) this.store.remove(original.channel, original.ts);
      target.originalTs = undefined;
      return;
    }
    const text = body.text ?? '';
    const blocks =
      body.blocks === undefined ? undefined : withSlackIds(body.blocks, () => this.ids.token().slice(0, 5));
    if (text === '' && (blocks === undefined || blocks.length === 0)) return;
    if (body.replace_original === true && original) {
      original.text = text;
      original.blocks = blocks ?? [];
      if (body.metadata) original.metadata = body.metadata;
      original.edited = true;
      original.answersRequest ??= target.requestId;
      return;
    }
    const message = this.#newMessage(target, body, text, blocks ?? []);
    this.store.add(message);
    if (target.source === 'command') target.originalTs = message.ts;
  }

  #newMessage(
    target: ResponseTarget,
    body: ResponseBody,
    text: string,
    blocks: BlockObject[],
  ): StoredMessage {
    const bot = this.directory.bot;
    const requested =
      body.thread_ts === undefined ? undefined : this.store.find(target.channel, body.thread_ts);
    const threadTs = requested ? (requested.threadTs ?? requested.ts) : target.threadTs;
    return {
      channel: target.channel,
      ts: this.ids.messageTs(),
      threadTs,
      user: bot.userId,
      botId: bot.botId,
      text,
      blocks,
      metadata: body.metadata,
      files: undefined,
      ephemeralTo: body.response_type === 'in_channel' ? undefined : target.user,
      edited: false,
      broadcast: false,
      answersRequest: target.requestId,
    };
  }
}
