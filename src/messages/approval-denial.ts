import type { ApprovalRecord } from '../approvals/approval-record.js';
import type { ChangeWindow } from '../config/policy-schema.js';
import type { DecisionRefusal } from '../policy/authorize-decision.js';
import type { RequestRefusal } from '../policy/authorize-request.js';
import type { WindowOccurrence } from '../policy/change-window.js';
import type { EffectivePolicy } from '../policy/effective-policy.js';
import { wallClock } from '../policy/zoned-time.js';
import type { SlackMessage } from '../queue/payloads.js';
import { describePeople } from './approval-people.js';
import { slackTime } from './approval-time.js';
import { escapeMrkdwn } from './blocks.js';
import { notice } from './notice.js';

const DAY_NAMES: Record<string, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};
const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "Tue–Thu", "Mon, Wed, Fri", "every day". */
function describeDays(days: readonly string[]): string {
  const sorted = WEEK.filter((d) => days.includes(d));
  if (sorted.length === 7) return 'every day';
  const first = sorted[0];
  const last = sorted.at(-1);
  const contiguous =
    first !== undefined && WEEK.indexOf(last ?? '') - WEEK.indexOf(first) === sorted.length - 1;
  if (contiguous && sorted.length >= 3) return `${DAY_NAMES[first]}–${DAY_NAMES[last ?? first]}`;
  return sorted.map((d) => DAY_NAMES[d]).join(', ');
}

/** "Tue–Thu 09:00–17:00 Europe/Berlin" */
export function describeWindow(window: ChangeWindow): string {
  return `${describeDays(window.days)} ${window.from}–${window.to} ${window.timeZone}`;
}

/** "Tue 2026-11-25 09:00 Europe/Berlin" */
function describeOccurrence(occurrence: WindowOccurrence): string {
  const { timeZone } = occurrence.window;
  const at = wallClock(occurrence.startsAt, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][at.weekday];
  return `${day} ${at.year}-${pad(at.month)}-${pad(at.day)} ${pad(at.hour)}:${pad(at.minute)} ${timeZone}`;
}

/** Why a request was refused by policy, and what the person can do; shown only to them. */
export function requestRefusal(
  refusal: RequestRefusal,
  policy: EffectivePolicy,
  slash: string,
): SlackMessage {
  const what = `\`${policy.command}\` on *${escapeMrkdwn(policy.cluster)}*`;
  switch (refusal.reason) {
    case 'not-requester':
      return notice(
        'error',
        `You may not ask for ${what}. Who may: ${describePeople(policy.requesters)}. Ask one of them, or an admin to change \`policy\` in bosun's config. Nothing was changed.`,
      );
    case 'outside-window': {
      const windows = refusal.windows.map(describeWindow).join('; ');
      const next = refusal.next
        ? ` The next window opens ${describeOccurrence(refusal.next)} (${slackTime(refusal.next.startsAt)}); ask again then.`
        : '';
      return notice(
        'error',
        `${what} is allowed only in its change windows: ${windows}.${next} Nothing was changed.`,
      );
    }
    case 'group-lookup-failed':
      return notice(
        'error',
        `bosun could not check who is in <!subteam^${refusal.groupId}> to authorize ${what}. Nothing was changed; try again in a minute (\`${slash} help\`).`,
      );
  }
}

/** Why someone's Approve or Reject did nothing; shown only to them. */
export function decisionDenial(refusal: DecisionRefusal, record: ApprovalRecord): SlackMessage {
  switch (refusal.reason) {
    case 'own-request':
      return notice(
        'warning',
        `You asked for this, so your approval does not count: ${record.needed === 1 ? 'it needs an approval' : `it needs ${record.needed} approvals`} from someone other than you (four eyes). Ask a teammate in this thread. Nothing was changed.`,
      );
    case 'not-approver':
      return notice(
        'error',
        `You are not among the approvers of this request. Who may approve: ${describePeople(record.approvers)}. Nothing was changed.`,
      );
    case 'group-lookup-failed':
      return notice(
        'error',
        `bosun could not check who is in <!subteam^${refusal.groupId}>, so your decision was not counted. Nothing was changed; try again in a minute.`,
      );
  }
}

/** The answer to a click on an approval that is no longer open (or to a second click by the same person). */
export function closedApprovalAnswer(record: ApprovalRecord, slash: string, duplicate = false): SlackMessage {
  const again = `Ask again with \`${escapeMrkdwn(`${slash} ${record.text}`)}\` if it is still needed.`;
  const at = record.decidedAt !== undefined ? ` ${slackTime(record.decidedAt)}` : '';
  if (duplicate) {
    const missing = record.needed - record.votes.length;
    return notice(
      'info',
      `You already approved this. It needs ${missing} more ${missing === 1 ? 'approval' : 'approvals'}; nothing else changed.`,
    );
  }
  switch (record.state) {
    case 'pending':
      return notice('info', 'This approval is still open.');
    case 'approved':
      return notice(
        'info',
        `Already approved${record.decidedBy ? ` by <@${record.decidedBy}>` : ''}${at}; your click changed nothing.`,
      );
    case 'rejected':
      return notice(
        'warning',
        `This was rejected by <@${record.decidedBy ?? 'unknown'}>${at}; a decision cannot be changed, and your click changed nothing. ${again}`,
      );
    case 'expired':
      return notice(
        'warning',
        `This approval expired${at}: nobody decided in time, and your click changed nothing. ${again}`,
      );
    case 'cancelled':
      return notice('info', `This request was cancelled${at}; your click changed nothing.`);
  }
}
