import type { Outbox } from '../queue/outbox.js';
import type { CommandRef, RequestMeta, SlackMessage } from '../queue/payloads.js';
import type { RequestState, RequestStore } from './request-store.js';

export interface Attachment {
  filename: string;
  title: string;
  content: string;
}

/**
 * How handlers and jobs talk about a request in Slack: one parent message (the card) whose state is updated in
 * place, and replies in its thread. Everything goes through the outbox; nothing here calls Slack.
 */
export class RequestReporter {
  constructor(
    private readonly requests: RequestStore,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Records the request and posts its card; false if the request was seen before. Either way the card's post is
   * enqueued (under a fixed job id, and the sender posts a parent once), so a step retried after a crash between
   * the record and the post still posts it.
   */
  async open(
    meta: RequestMeta,
    state: RequestState,
    card: SlackMessage,
    command: CommandRef,
  ): Promise<boolean> {
    const fresh = await this.requests.claim(meta, state, card, command);
    await this.outbox.enqueue(
      { v: 1, kind: 'parent', requestId: meta.id, channel: meta.channel },
      `${meta.id}-parent`,
    );
    return fresh;
  }

  /**
   * Shows a new state on the card; rapid updates coalesce to the latest. A run passes its `fence`: once a newer
   * run holds the request, nothing is shown and SupersededError is thrown (src/requests/request-store.ts).
   */
  async card(
    request: Pick<RequestMeta, 'id' | 'channel'>,
    card: SlackMessage,
    fence?: number,
  ): Promise<void> {
    await this.requests.saveCard(request.id, card, fence);
    await this.outbox.enqueue({ v: 1, kind: 'card', requestId: request.id, channel: request.channel });
  }

  /** A reply in the request's thread, after every earlier one. A long text can travel as a file. Fenced as `card`. */
  async reply(
    request: Pick<RequestMeta, 'id' | 'channel'>,
    message: SlackMessage,
    attachment?: Attachment,
    fence?: number,
    /** A name for the reply, so that `editReply` can rewrite it later (one whose button stops applying). */
    key?: string,
  ): Promise<void> {
    const seq = await this.requests.nextSeq(request.id, fence);
    if (key !== undefined) await this.requests.nameReply(request.id, key, seq);
    await this.outbox.enqueue(
      {
        v: 1,
        kind: 'reply',
        requestId: request.id,
        channel: request.channel,
        seq,
        message,
        attachment,
        ...(key === undefined ? {} : { keep: true }),
      },
      `${request.id}-r${seq}`,
    );
  }

  /** Rewrites the reply named `key` once it is in the thread; nothing when there is none by that name. */
  async editReply(
    request: Pick<RequestMeta, 'id' | 'channel'>,
    key: string,
    message: SlackMessage,
  ): Promise<void> {
    const seq = await this.requests.replySeq(request.id, key);
    if (seq === undefined) return;
    await this.outbox.enqueue({
      v: 1,
      kind: 'reply-edit',
      requestId: request.id,
      channel: request.channel,
      seq,
      message,
    });
  }

  /**
   * Withdraws the request from the channel: its card is deleted (or never posted) and nothing more goes to its
   * thread; `answer` goes to its author alone, through the command's response_url when the request kept one.
   */
  async withdraw(
    request: Pick<RequestMeta, 'id' | 'channel' | 'user' | 'responseUrl'>,
    answer: SlackMessage,
  ): Promise<void> {
    await this.requests.withdraw(request.id);
    await this.outbox.enqueue(
      { v: 1, kind: 'withdraw', requestId: request.id, channel: request.channel },
      `${request.id}-withdraw`,
    );
    await this.outbox.enqueue(
      {
        v: 1,
        kind: 'ephemeral',
        channel: request.channel,
        user: request.user,
        message: answer,
        requestId: request.id,
        responseUrl: request.responseUrl,
      },
      `${request.id}-withdrawn-answer`,
    );
  }

  /** A message only `user` sees, optionally in the request's thread. */
  async ephemeral(
    channel: string,
    user: string,
    message: SlackMessage,
    options: { requestId?: string; inThread?: boolean } = {},
  ): Promise<void> {
    await this.outbox.enqueue({
      v: 1,
      kind: 'ephemeral',
      channel,
      user,
      message,
      requestId: options.requestId,
      inThread: options.inThread,
    });
  }

  /** A file in `user`'s direct message with bosun, asked for from `channel` (told there if it fails). */
  async directFile(
    channel: string,
    user: string,
    file: Attachment,
    comment: string,
    failed: SlackMessage,
  ): Promise<void> {
    await this.outbox.enqueue({ v: 1, kind: 'direct-file', channel, user, file, comment, failed });
  }
}
