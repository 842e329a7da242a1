import type { BlockObject } from './block-kit-elements.js';

/** Slack message metadata as posted with `chat.postMessage`/`chat.update`. */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

export interface FileReference {
  id: string;
  name: string;
  title: string;
  size: number;
}

/** A message as the stand-in holds it. Threads are flat: a reply has `threadTs` set to its parent's ts. */
export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  user: string;
  botId: string | undefined;
  text: string;
  blocks: BlockObject[];
  metadata: MessageMetadata | undefined;
  files: FileReference[] | undefined;
  /** The one user who sees an ephemeral message. */
  ephemeralTo: string | undefined;
  edited: boolean;
  /** A thread reply also shown in the channel (`reply_broadcast`). */
  broadcast: boolean;
  /** The request id of the delivery this message answers (ack body, response_url post). */
  answersRequest: string | undefined;
}

/** A message as tests and the console see it: top level with its replies, as a user would read the channel. */
export interface RecordedMessage {
  channel: string;
  ts: string;
  user: string;
  text: string;
  blocks: BlockObject[];
  requestId?: string;
  metadata?: MessageMetadata;
  files?: FileReference[];
  ephemeral?: { user: string };
  edited?: true;
  /** Set on thread replies (and on broadcast replies shown in the channel). */
  threadTs?: string;
  replies: RecordedMessage[];
}

/** Orders Slack timestamps numerically (`"9.000001"` before `"10.000000"`). */
export function compareTs(a: string, b: string): number {
  const [aSeconds = '0', aMicros = '0'] = a.split('.');
  const [bSeconds = '0', bMicros = '0'] = b.split('.');
  return Number(aSeconds) - Number(bSeconds) || Number(aMicros) - Number(bMicros);
}

/** bosun tags every message about a request with `metadata.event_type: bosun_request` (see ARCHITECTURE). */
export function requestIdOfMessage(message: StoredMessage): string | undefined {
  const { metadata } = message;
  if (metadata?.event_type === 'bosun_request') {
    const id = metadata.event_payload.request_id;
    if (typeof id === 'string') return id;
  }
  return message.answersRequest;
}

/** Every channel's messages in post order. */
export class MessageStore {
  readonly #byChannel = new Map<string, StoredMessage[]>();

  add(message: StoredMessage): void {
    const list = this.#byChannel.get(message.channel) ?? [];
    const last = list.at(-1);
    list.push(message);
    // ts are issued in increasing order, so this sort only runs for a message recorded out of order
    if (last && compareTs(last.ts, message.ts) > 0) list.sort((a, b) => compareTs(a.ts, b.ts));
    this.#byChannel.set(message.channel, list);
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.#byChannel.get(channel)?.find((message) => message.ts === ts);
  }

  /** Finds a message by ts in one channel, or in any channel when none is named. */
  locate(ts: string, channel?: string): StoredMessage | undefined {
    if (channel !== undefined) return this.find(channel, ts);
    for (const list of this.#byChannel.values()) {
      const found = list.find((message) => message.ts === ts);
      if (found) return found;
    }
    return undefined;
  }

  remove(channel: string, ts: string): boolean {
    const list = this.#byChannel.get(channel);
    const index = list?.findIndex((message) => message.ts === ts) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** Top-level messages of one channel (or of all, merged by ts), oldest first, each with its replies. */
  record(channel?: string): RecordedMessage[] {
    const lists =
      channel === undefined ? [...this.#byChannel.values()] : [this.#byChannel.get(channel) ?? []];
    // One pass over the messages: tests poll this, and the bench fills channels with hundreds of them.
    const repliesByParent = new Map<string, RecordedMessage[]>();
    const topLevel: StoredMessage[] = [];
    for (const message of lists.flat()) {
      if (message.threadTs !== undefined) {
        const key = `${message.channel}/${message.threadTs}`;
        const replies = repliesByParent.get(key) ?? [];
        replies.push(toRecorded(message, []));
        repliesByParent.set(key, replies);
      }
      if (message.threadTs === undefined || message.broadcast) topLevel.push(message);
    }
    if (channel === undefined) topLevel.sort((a, b) => compareTs(a.ts, b.ts));
    return topLevel.map((message) => {
      const replies =
        message.threadTs === undefined ? repliesByParent.get(`${message.channel}/${message.ts}`) : [];
      return toRecorded(message, replies ?? []);
    });
  }

  /** The replies in a thread, oldest first (the parent itself is in `record()`). */
  thread(channel: string, ts: string): RecordedMessage[] {
    return this.#replies(channel, ts);
  }

  replyCount(channel: string, ts: string): number {
    return this.#rawReplies(channel, ts).length;
  }

  channelsWithMessages(): string[] {
    return [...this.#byChannel.entries()].filter(([, list]) => list.length > 0).map(([id]) => id);
  }

  #rawReplies(channel: string, ts: string): StoredMessage[] {
    return (this.#byChannel.get(channel) ?? []).filter((message) => message.threadTs === ts);
  }

  #replies(channel: string, ts: string): RecordedMessage[] {
    return this.#rawReplies(channel, ts).map((reply) => toRecorded(reply, []));
  }
}

function toRecorded(message: StoredMessage, replies: RecordedMessage[]): RecordedMessage {
  const recorded: RecordedMessage = {
    channel: message.channel,
    ts: message.ts,
    user: message.user,
    text: message.text,
    blocks: message.blocks,
    replies,
  };
  const requestId = requestIdOfMessage(message);
  if (requestId !== undefined) recorded.requestId = requestId;
  if (message.metadata) recorded.metadata = message.metadata;
  if (message.files) recorded.files = message.files;
  if (message.ephemeralTo !== undefined) recorded.ephemeral = { user: message.ephemeralTo };
  if (message.edited) recorded.edited = true;
  if (message.threadTs !== undefined) recorded.threadTs = message.threadTs;
  return recorded;
}
