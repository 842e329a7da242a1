import type { AuditEvent } from '../audit/audit-entry.js';
import type { AuditLog } from '../audit/audit-log.js';
import { requestCard } from '../messages/request-card.js';
import type { RequestMeta, SlackMessage } from '../queue/payloads.js';
import type { RequestReporter } from './request-reporter.js';
import type { RequestState, RequestStore } from './request-store.js';

/** What moving a request on needs; bot and worker both have it. */
export interface Lifecycle {
  slash: string;
  requests: RequestStore;
  reporter: RequestReporter;
  audit: AuditLog;
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
  /** A line in the request's thread saying what happened and who did it. */
  thread?: SlackMessage;
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
    }),
    lifecycle.fence,
  );
  if (step.thread) await lifecycle.reporter.reply(request, step.thread, undefined, lifecycle.fence);
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
