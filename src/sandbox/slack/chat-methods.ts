import { z } from 'zod';
import { type BlockObject, withSlackIds } from './block-kit-elements.js';
import type { FaultInjector } from './fault-injector.js';
import type { MessageStore, StoredMessage } from './message-store.js';
import { SlackApiError } from './slack-api-error.js';
import type { SlackIds } from './slack-ids.js';
import type { WebApiMethod } from './web-api.js';
import {
  argument,
  blocksArgument,
  flagArgument,
  metadataArgument,
  requiredArgument,
  textArgument,
  type WebApiParams,
} from './web-api-params.js';
import type { WorkspaceChannel, WorkspaceDirectory } from './workspace-directory.js';

export interface ChatMethodsDeps {
  directory: WorkspaceDirectory;
  store: MessageStore;
  ids: SlackIds;
  faults: FaultInjector;
  baseUrl: () => string;
  messageJson: (message: StoredMessage) => Record<string, unknown>;
}

/** The link Slack gives a message: `<workspace>/archives/<channel>/p<ts without the dot>`. */
export function permalinkOf(baseUrl: string, message: StoredMessage): string {
  const link = `${baseUrl}/archives/${message.channel}/p${message.ts.replace('.', '')}`;
  return message.threadTs === undefined
    ? link
    : `${link}?thread_ts=${message.threadTs}&cid=${message.channel}`;
}

/** `chat.*`: what bosun posts, edits and links to. */
export function chatMethods(deps: ChatMethodsDeps): Record<string, WebApiMethod> {
  const { directory, store, ids } = deps;
  const bot = directory.bot;
  const newBlockId = () => ids.token().slice(0, 5);

  const channelOf = (params: WebApiParams): WorkspaceChannel => {
    const reference = argument(params, 'channel', textArgument, 'channel_not_found', true) ?? '';
    const channel = directory.channel(reference);
    if (!channel) throw new SlackApiError('channel_not_found');
    return channel;
  };

  const content = (params: WebApiParams): { text: string; blocks: BlockObject[] | undefined } => {
    const text = argument(params, 'text', textArgument, 'invalid_arguments') ?? '';
    const blocks = argument(params, 'blocks', blocksArgument, 'invalid_blocks');
    return { text, blocks: blocks === undefined ? undefined : withSlackIds(blocks, newBlockId) };
  };

  /** A reply to a reply goes to the thread's parent, as in Slack. */
  const threadParent = (params: WebApiParams, channel: WorkspaceChannel): string | undefined => {
    const threadTs = argument(params, 'thread_ts', textArgument, 'invalid_thread_ts');
    if (threadTs === undefined) return undefined;
    const parent = store.find(channel.id, threadTs);
    if (!parent || parent.ephemeralTo !== undefined) throw new SlackApiError('thread_not_found');
    return parent.threadTs ?? parent.ts;
  };

  const channelOfPost = (params: WebApiParams): string => {
    const reference = params.channel;
    if (typeof reference !== 'string') return '';
    return directory.channel(reference)?.id ?? reference;
  };

  /** A message of this channel the bot posted: Slack lets an app change or delete only its own. */
  const botMessage = (params: WebApiParams, notOwn: string) => {
    const channel = channelOf(params);
    const ts = requiredArgument(params, 'ts', textArgument, 'message_not_found');
    const message = store.find(channel.id, ts);
    if (!message || message.ephemeralTo !== undefined) throw new SlackApiError('message_not_found');
    if (message.user !== bot.userId) throw new SlackApiError(notOwn);
    return { channel, message };
  };

  return {
    'chat.postMessage': {
      scope: 'chat:write',
      token: 'bot',
      allowance: (params) => deps.faults.takePostingAllowance('chat.postMessage', channelOfPost(params)),
      run: (params) => {
        const channel = channelOf(params);
        const { text, blocks } = content(params);
        if (text === '' && (blocks === undefined || blocks.length === 0)) throw new SlackApiError('no_text');
        const threadTs = threadParent(params, channel);
        const message: StoredMessage = {
          channel: channel.id,
          ts: ids.messageTs(),
          threadTs,
          user: bot.userId,
          botId: bot.botId,
          text,
          blocks: blocks ?? [],
          metadata: argument(params, 'metadata', metadataArgument, 'invalid_metadata_format'),
          files: undefined,
          ephemeralTo: undefined,
          edited: false,
          broadcast:
            threadTs !== undefined &&
            argument(params, 'reply_broadcast', flagArgument, 'invalid_arguments') === true,
          answersRequest: undefined,
        };
        store.add(message);
        return { channel: channel.id, ts: message.ts, message: deps.messageJson(message) };
      },
    },

    'chat.update': {
      scope: 'chat:write',
      token: 'bot',
      run: (params) => {
        const { channel, message } = botMessage(params, 'cant_update_message');
        const { text, blocks } = content(params);
        if (text === '' && blocks === undefined && params.metadata === undefined)
          throw new SlackApiError('no_text');
        if (params.text !== undefined || blocks !== undefined) message.text = text;
        if (blocks !== undefined) message.blocks = blocks;
        const metadata = argument(params, 'metadata', metadataArgument, 'invalid_metadata_format');
        if (metadata) message.metadata = metadata;
        message.edited = true;
        return {
          channel: channel.id,
          ts: message.ts,
          text: message.text,
          message: deps.messageJson(message),
        };
      },
    },

    'chat.delete': {
      scope: 'chat:write',
      token: 'bot',
      run: (params) => {
        const { channel, message } = botMessage(params, 'cant_delete_message');
        const { ts } = message;
        store.remove(channel.id, ts);
        return { channel: channel.id, ts };
      },
    },

    'chat.postEphemeral': {
      scope: 'chat:write',
      token: 'bot',
      run: (params) => {
        const channel = channelOf(params);
        const userId = requiredArgument(params, 'user', z.string(), 'user_not_found');
        if (!directory.user(userId)) throw new SlackApiError('user_not_found');
        const { text, blocks } = content(params);
        if (text === '' && (blocks === undefined || blocks.length === 0)) throw new SlackApiError('no_text');
        const message: StoredMessage = {
          channel: channel.id,
          ts: ids.messageTs(),
          threadTs: threadParent(params, channel),
          user: bot.userId,
          botId: bot.botId,
          text,
          blocks: blocks ?? [],
          metadata: undefined,
          files: undefined,
          ephemeralTo: userId,
          edited: false,
          broadcast: false,
          answersRequest: undefined,
        };
        store.add(message);
        return { message_ts: message.ts };
      },
    },

    'chat.getPermalink': {
      scope: '',
      token: 'bot',
      run: (params) => {
        const channel = channelOf(params);
        const ts = requiredArgument(params, 'message_ts', textArgument, 'message_not_found');
        const message = store.find(channel.id, ts);
        if (!message || message.ephemeralTo !== undefined) throw new SlackApiError('message_not_found');
        return { channel: channel.id, permalink: permalinkOf(deps.baseUrl(), message) };
      },
    },
  };
}
