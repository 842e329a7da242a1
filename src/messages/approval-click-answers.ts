import type { SlackMessage } from '../queue/payloads.js';
import { notice } from './notice.js';

/** Answers to an Approve / Reject click or a reject reason, seen only by the person who gave it. */

/** The button's value is not an approval bosun can read. */
export const staleApprovalButton = (): SlackMessage =>
  notice('warning', 'This button is not one bosun knows (an old message?). Nothing was changed.');

/** The approval (and its request) went away before the decision could be recorded. */
export const approvalGone = (): SlackMessage =>
  notice('warning', 'This approval no longer exists; nothing was changed.');

/** Redis (or Slack) failed while recording the decision. */
export const decisionNotRecorded = (error: unknown): SlackMessage =>
  notice(
    'error',
    `bosun could not record that (${error instanceof Error ? error.message : String(error)}). Nothing was changed; try again.`,
  );
