import type { AuditEvent } from '../audit/audit-entry.js';
import type { AuditLog } from '../audit/audit-log.js';
import { mistakenRequest } from '../messages/command-refusals.js';
import { requestCard } from '../messages/request-card.js';
import { failedLine } from '../messages/request-lines.js';
import { type BosunError, isAuthorMistake } from '../ops/errors.js';
import type { RequestMeta, SlackMessage } from '../queue/payloads.js';
import type { Clock } from '../shared/clock.js';
import type { RequestReporter } from './request-reporter.js';
import type { RequestState, RequestStore } from './request-store.js';

/** What moving a request on needs; bot and worker both have it. */
export interface Lifecycle {
  slash: string;
  requests: RequestStore;
  reporter: RequestReporter;
  audit: AuditLog;
  /** When a request ends, its card says when. */
  clock: Clock;
  /** The run's fence, when a job moves its own request on (src/requests/request-store.ts `takeOver`). */
  fence?: number;
}

export interface Step {
  state: RequestState;
  /** The card's detail line (mrkdwn): "by <@U1> before it started", an outcome, "attempt 2 of 4". */
  detail?: string;
  /** The record's summary, for `/bosun jobs`; defaults to `detail`. */
  summary?: string;
  /** Lines above the detail on the card (who approved it). */
  sections?: string[];
  /** The answer, on the card itself (src/messages/request-card.ts `answer`). */
  answer?: SlackMessage['blocks'];
  /** A line in the request's thread saying what happened and who did it. */
  thread?: SlackMessage;
  /**
   * The request was its author's mistake: instead of a card and a thread line, the card comes down and this goes
   * to the author alone (src/requests/request-reporter.ts `withdraw`).
   */
  withdraw?: SlackMessage;
  audit: { event: AuditEvent; outcome: string; detail?: string; user?: string };
}

/**
 * Moves a request to its next state, the one way it is done: the record, then the card, then the thread line
 * and the audit entry. A request that already ended is left as it is (a late "succeeded" must not undo
 * "cancelled"): false, and nothing shown or written. With the run's fence, a run that a newer one took over
 * changes nothing either: SupersededError. States that do not end the request (running) always show.
 */
export async function settle(lifecycle: Lifecycle, request: RequestMeta, step: Step): Promise<boolean> {
  const moved = await lifecycle.requests.transition(
    request.id,
    step.state,
    step.summary ?? step.detail ?? '',
    lifecycle.fence,
  );
  if (!moved) return false;
  if (step.withdraw) await lifecycle.reporter.withdraw(request, step.withdraw);
  else await show(lifecycle, request, step);
  await lifecycle.audit.record({
    event: step.audit.event,
    requestId: request.id,
    user: step.audit.user ?? request.user,
    cluster: request.cluster,
    command: request.text,
    outcome: step.audit.outcome,
    detail: step.audit.detail?.slice(0, 500),
  });
  return true;
}

/** The step on the card, and its line in the thread; the footer points to a thread only when there is one. */
async function show(lifecycle: Lifecycle, request: RequestMeta, step: Step): Promise<void> {
  const thread = step.thread !== undefined || (await lifecycle.requests.threadLength(request.id)) > 0;
  await lifecycle.reporter.card(
    request,
    requestCard({
      requestId: request.id,
      text: request.text,
      slash: lifecycle.slash,
      user: request.user,
      cluster: request.cluster,
      state: step.state,
      detail: step.detail,
      sections: step.sections,
      answer: step.answer,
      thread,
      // A read-only answer is the message itself, timed by Slack; a request's end is worth its own time.
      endedAt: step.answer ? undefined : lifecycle.clock.now(),
    }),
    lifecycle.fence,
  );
  if (step.thread) await lifecycle.reporter.reply(request, step.thread, undefined, lifecycle.fence);
}

/**
 * How a request ends that failed with a BosunError: on its card and in its thread; or, when it was its author's
 * mistake (an unknown node), withdrawn from the channel and told to the author alone, audited as refused.
 */
export function failedStep(
  slash: string,
  request: Pick<RequestMeta, 'text'>,
  error: BosunError,
  auditDetail = error.message,
): Step {
  if (isAuthorMistake(error)) {
    return {
      state: 'failed',
      detail: error.message,
      summary: `refused: ${error.message}`,
      withdraw: mistakenRequest(`${slash} ${request.text}`, error.message, error.hint),
      audit: {
        event: 'refused',
        outcome: error.code.toLowerCase().replaceAll('_', '-'),
        detail: auditDetail,
      },
    };
  }
  return {
    state: 'failed',
    detail: error.message,
    thread: failedLine(error.message, error.hint),
    audit: { event: 'job-finished', outcome: 'failed', detail: auditDetail },
  };
}
