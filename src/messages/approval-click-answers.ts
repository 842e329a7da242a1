import type { SlackMessage } from '../queue/payloads.js';
import { notice } from './notice.js';

/** Answers to an Approve / Reject click or a reject reason, seen only by the person who gave it. */

/** The button's value is not an approval bosun can read. */
export const staleApprovalButton = (): SlackMessage =>
  notice('warning', 'This button is not one bosun knows (an old message?). Nothing was changed.');

/** The approval (and its request) went away before the decision could be recorded. */
export const approvalGone = (): SlackMessage =>
  notice('warning', 'This approval no longer exists; nothing was changed.');

/** A button (approval or steering) whose value names a request of another channel than the one it was clicked in. */
export const foreignButton = (): SlackMessage =>
  notice(
    'warning',
    "This button does not belong to a request of this channel, so bosun did not act on it. Nothing was changed; use the buttons on the request's own card or thread.",
  );

/**
 * A button whose value names a request of this channel other than the one whose card or thread it sits in (a
 * crafted value, or a button copied from one request's thread to another's).
 */
export const strayButton = (): SlackMessage =>
  notice(
    'warning',
    "This button names a request other than the one whose card or thread it is in, so bosun did not act on it. Nothing was changed; use the buttons on the request's own card or thread.",
  );

/** Redis (or Slack) failed while recording the decision. */
export const decisionNotRecorded = (error: unknown): SlackMessage =>
  notice(
    'error',
    `bosun could not record that (${error instanceof Error ? error.message : String(error)}). Nothing was changed; try again.`,
  );
