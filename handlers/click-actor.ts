import type { BlockAction } from '@slack/bolt';
import type { Actor } from '../src/policy/principals.js';

/**
 * Who clicked, and where: the channel and the message the button sits on (in a thread, the thread's parent,
 * which for bosun's buttons is the request's card). Slack says so in the payload's container; an ephemeral
 * message has no card to compare with, so it carries the channel only.
 */
export function clickActor(body: BlockAction): Actor {
  const container = body.container as { message_ts?: unknown; thread_ts?: unknown; is_ephemeral?: unknown };
  const onMessage =
    container?.is_ephemeral !== true ? (container?.thread_ts ?? container?.message_ts) : undefined;
  return {
    user: body.user.id,
    channel: body.channel?.id ?? '',
    ...(typeof onMessage === 'string' ? { thread: onMessage } : {}),
  };
}
