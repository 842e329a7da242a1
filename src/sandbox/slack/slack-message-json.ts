import type { StoredMessage } from './message-store.js';

export interface MessageJsonContext {
  teamId: string;
  appId: string;
  replyCount: number;
  fileUrl: (fileId: string, name: string) => string;
}

/** A stored message in the shape Slack's API and payloads use (`chat.postMessage`'s `message`, block_actions). */
export function slackMessageJson(
  message: StoredMessage,
  context: MessageJsonContext,
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    type: 'message',
    ts: message.ts,
    user: message.user,
    text: message.text,
    blocks: message.blocks,
    team: context.teamId,
  };
  if (message.botId !== undefined) {
    json.bot_id = message.botId;
    json.app_id = context.appId;
  }
  if (message.broadcast) json.subtype = 'thread_broadcast';
  if (message.threadTs !== undefined) json.thread_ts = message.threadTs;
  if (message.threadTs === undefined && context.replyCount > 0) {
    json.thread_ts = message.ts;
    json.reply_count = context.replyCount;
  }
  if (message.metadata) json.metadata = message.metadata;
  if (message.edited) json.edited = { user: message.user, ts: message.ts };
  if (message.files) {
    json.upload = false;
    json.files = message.files.map((file) => ({
      ...file,
      mode: 'hosted',
      url_private: context.fileUrl(file.id, file.name),
    }));
  }
  return json;
}
