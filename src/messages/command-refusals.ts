import { escapeMrkdwn } from './blocks.js';
import { notice } from './notice.js';

/** A slash command that names no user: bosun cannot tell who asks, so it runs nothing. */
export function commandWithoutUser() {
  return notice(
    'error',
    'bosun could not tell who sent this command (the request named no user), so it did nothing. Try again; if it keeps happening, check what sits between Slack and bosun.',
  );
}

/** Redis did not take the command in time: the ack says so, and that nothing was recorded or run. */
export function commandNotRecorded(reason: string) {
  return notice(
    'error',
    `bosun could not record this request (${reason}), so nothing was queued and nothing will run. Try again in a moment; if it keeps happening, bosun's Redis needs a look.`,
  );
}

/**
 * A request that was its author's mistake (a node that does not exist), told to them alone; its card was taken
 * down, so this names the command, what was wrong and what to do.
 */
export function mistakenRequest(command: string, message: string, hint?: string) {
  return notice(
    'error',
    `\`${escapeMrkdwn(command)}\`: ${message}${hint ? ` ${hint}` : ''} Nothing was changed.`,
  );
}
