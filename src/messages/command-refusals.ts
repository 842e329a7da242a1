import { notice } from './notice.js';

/** A slash command that names no user: bosun cannot tell who asks, so it runs nothing. */
export function commandWithoutUser() {
  return notice(
    'error',
    'bosun could not tell who sent this command (the request named no user), so it did nothing. Try again; if it keeps happening, check what sits between Slack and bosun.',
  );
}
