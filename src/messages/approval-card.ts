import type { ApprovalState } from '../approvals/approval-record.js';
import type { SlackMessage } from '../queue/payloads.js';
import type { RequestState } from '../requests/request-store.js';
import { joinAnd } from './approval-people.js';
import { slackTime } from './approval-time.js';
import { clip, escapeMrkdwn } from './blocks.js';
import { requestCard } from './request-card.js';

export const APPROVE_ACTION = 'approval_approve';
export const REJECT_ACTION = 'approval_reject';

/** What an approval card shows: the request, what approving it does, and where the decision stands. */
export interface ApprovalCardView {
  requestId: string;
  /** The command as typed. */
  text: string;
  slash: string;
  requester: string;
  cluster: string;
  /** `start` (before the job runs) or the phase the job stopped at. */
  phase: string;
  /** For a phase: the question the job asks ("Control plane done; continue to the workers?"). */
  summary: string;
  /** What will happen, in mrkdwn (a drain's preview); the command itself when there is none. */
  preview?: string[];
  needed: number;
  selfApproval: boolean;
  votes: Array<{ user: string; at: number }>;
  expiresAt: number;
  state: ApprovalState;
  decidedBy?: string;
  decidedAt?: number;
  reason?: string;
  /** Value for the buttons (`<request id>/<phase>`). */
  ref: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function whoMayApprove(view: ApprovalCardView): string {
  const count = plural(view.needed, 'approval');
  return view.selfApproval ? `needs ${count}` : `needs ${count} from someone other than <@${view.requester}>`;
}

function cardState(view: ApprovalCardView): RequestState {
  switch (view.state) {
    case 'pending':
      return 'awaiting-approval';
    case 'approved':
      return view.phase === 'start' ? 'queued' : 'running';
    default:
      return view.state;
  }
}

function decisionLine(view: ApprovalCardView): string | undefined {
  const when = view.decidedAt !== undefined ? ` ${slackTime(view.decidedAt)}` : '';
  switch (view.state) {
    case 'pending':
      return undefined;
    case 'approved': {
      const approvers = joinAnd(view.votes.map((v) => v.user));
      const next = view.phase === 'start' ? 'queued to run' : 'continuing';
      return `:white_check_mark: *Approved* by ${approvers}${when}; ${next}.`;
    }
    case 'rejected': {
      const reason = view.reason ? `\n>${clip(escapeMrkdwn(view.reason), 1000).replace(/\n/g, '\n>')}` : '';
      return `:no_entry: *Rejected* by <@${view.decidedBy ?? 'unknown'}>${when}.${reason}`;
    }
    case 'expired':
      return `:alarm_clock: *Expired*${when}: nobody decided in time. Nothing was changed.`;
    case 'cancelled':
      return `:no_entry_sign: *Cancelled*${view.decidedBy ? ` by <@${view.decidedBy}>` : ''}${when} while waiting for approval. Nothing was changed.`;
  }
}

/**
 * The request's card while it needs approval, and after: Approve / Reject while pending; once decided the
 * buttons give way to who decided and when. The thread below the card is where people discuss it.
 */
export function approvalCard(view: ApprovalCardView): SlackMessage {
  // Before the job, approvers see what it will do: the preview, or at least the command. A phase asks its question.
  // Once rejected, expired or cancelled, what it would have done is stale and folded away.
  const open = view.state === 'pending' || view.state === 'approved';
  const what = !open
    ? []
    : view.preview && view.preview.length > 0
      ? view.preview
      : view.phase === 'start'
        ? [
            `*Will run* \`${escapeMrkdwn(`${view.slash} ${view.text}`)}\` on *${escapeMrkdwn(view.cluster)}* for <@${view.requester}>.`,
          ]
        : [];
  const sections = [
    ...(view.phase === 'start' ? [] : [`*Phase \`${view.phase}\`:* ${escapeMrkdwn(view.summary)}`]),
    ...what,
  ];
  const pending = view.state === 'pending';
  if (pending && view.votes.length > 0) {
    sections.push(
      `Approved so far by ${joinAnd(view.votes.map((v) => v.user))} (${view.votes.length} of ${view.needed}).`,
    );
  }
  const decided = decisionLine(view);
  if (decided) sections.push(decided);
  return requestCard({
    requestId: view.requestId,
    text: view.text,
    slash: view.slash,
    user: view.requester,
    cluster: view.cluster,
    state: cardState(view),
    detail: pending ? `${whoMayApprove(view)} · expires ${slackTime(view.expiresAt)}` : undefined,
    sections,
    buttons: pending
      ? [
          { actionId: APPROVE_ACTION, text: 'Approve', value: view.ref, style: 'primary' },
          { actionId: REJECT_ACTION, text: 'Reject', value: view.ref, style: 'danger' },
        ]
      : undefined,
  });
}

/** The card between the request and its approval card: the read-only job is working out what would happen. */
export function preparingApprovalCard(view: {
  requestId: string;
  text: string;
  slash: string;
  requester: string;
  cluster: string;
}): SlackMessage {
  return requestCard({
    requestId: view.requestId,
    text: view.text,
    slash: view.slash,
    user: view.requester,
    cluster: view.cluster,
    state: 'awaiting-approval',
    detail: 'working out what this would do before asking for approval…',
  });
}

/** The line a request's card keeps once its approval was granted: who approved and when. */
export function approvedByLine(users: string[], at: number | undefined): string {
  return `:white_check_mark: Approved by ${joinAnd(users)}${at !== undefined ? ` ${slackTime(at)}` : ''}.`;
}
