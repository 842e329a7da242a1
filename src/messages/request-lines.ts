import type { SlackMessage } from '../queue/payloads.js';
import { notice } from './notice.js';

/**
 * What a request's thread says when its lifecycle, rather than its operation, ends it: a cancel before it ran,
 * a job this worker cannot read, a failure. One line each; the card carries the short form.
 */

export function cancelledBeforeStartLine(user: string): SlackMessage {
  return notice('info', `Cancelled by <@${user}> before it started. Nothing was changed.`);
}

export function cancelledWhileWaitingLine(user: string): SlackMessage {
  return notice('info', `Cancelled by <@${user}> while it was waiting for approval. Nothing was changed.`);
}

/** A running request stopped on a cancel: who stopped it; what it had done is the operation's own reply above. */
export function cancelledWhileRunningLine(user: string | undefined): SlackMessage {
  return notice(
    'info',
    `Cancelled${user ? ` by <@${user}>` : ''} while it ran; it stopped where the lines above say.`,
  );
}

/**
 * The worker could not read the job (a payload that does not decode, an operation it does not know): most
 * often a bot and a worker of different versions.
 */
export function unreadableRequestLine(why: string, slash: string): SlackMessage {
  return notice(
    'error',
    `This worker could not run the request: ${why}. Nothing was changed. If the bot and the worker were just upgraded, make sure both run the same version, then ask again with \`${slash}\`.`,
  );
}

/** A failure the operation explained (an unknown node, a busy node, a lost lock): its message and hint. */
export function failedLine(message: string, hint?: string): SlackMessage {
  return notice('error', hint ? `${message}\n${hint}` : message);
}

export function failedAfterAttemptsLine(attempts: number, message: string): SlackMessage {
  return notice('error', `Failed after ${attempts} attempts: ${message}`);
}

/** The card's detail while the job waits for its next attempt. */
export function retryingDetail(attempt: number, attempts: number, message: string): string {
  return `retrying after an error (attempt ${attempt} of ${attempts}): ${message}`;
}

export const LOCK_LOST_TEXT = (what: string) =>
  `bosun lost its lock on ${what} (the worker was unreachable too long) and stopped, to stay out of the way of whoever holds it now.`;

/**
 * The reconciler found a request whose job is gone (Redis lost it in a failover or a restart, or the job ended
 * without saying so). What ran before, if anything, is in the thread above this line; bosun will not guess more.
 */
export function jobLostLine(started: boolean, slash: string): SlackMessage {
  const before = started
    ? 'It had started: what it did is in this thread, and a node it worked on may still be cordoned. Check with `' +
      `${slash} nodes\` before you ask again.`
    : 'It had not started, so nothing was changed. Ask again if it is still needed.';
  return notice('error', `bosun lost this request's job (Redis no longer has it) and closed it. ${before}`);
}

/** The card's detail (and the record's summary) for the same. */
export const JOB_LOST_DETAIL = 'its job was lost; see the thread';
