import type { ApprovalRecord } from '../approvals/approval-record.js';
import { formatDuration } from '../commands/values.js';
import type { SlackMessage } from '../queue/payloads.js';
import { describePeople, joinAnd } from './approval-people.js';
import { slackTime } from './approval-time.js';
import { clip, escapeMrkdwn } from './blocks.js';
import { notice } from './notice.js';

/** Thread replies that tell an approval's story, in the request's thread, for everyone. */
export type ApprovalEvent = 'requested' | 'counted' | 'approved' | 'rejected' | 'expired';

export function approvalThreadMessage(event: ApprovalEvent, record: ApprovalRecord): SlackMessage {
  const votes = record.votes.map((v) => v.user);
  switch (event) {
    case 'requested': {
      const count = record.needed === 1 ? 'One approval' : `${record.needed} approvals`;
      const question = record.phase === 'start' ? '' : `${escapeMrkdwn(record.summary)} `;
      // Four eyes: the requester is not offered as an approver, and the line says so once.
      const approvers =
        record.selfApproval || !record.approvers?.users
          ? record.approvers
          : { ...record.approvers, users: record.approvers.users.filter((u) => u !== record.requester) };
      const fourEyes = record.selfApproval ? '' : ` (not from <@${record.requester}>, who asked)`;
      const window = formatDuration((record.expiresAt - record.createdAt) / 1000);
      return notice(
        'info',
        `${question}${count} needed from ${describePeople(approvers)}${fourEyes}, by ${slackTime(record.expiresAt)} (${window}). Approve or reject on the card above; discuss here.`,
      );
    }
    case 'counted':
      return notice(
        'info',
        `<@${votes.at(-1) ?? 'unknown'}> approved (${votes.length} of ${record.needed}).`,
      );
    case 'approved':
      return notice(
        'success',
        `Approved by ${joinAnd(votes)}. ${record.phase === 'start' ? 'Queued to run.' : 'Continuing.'}`,
      );
    case 'rejected':
      return notice(
        'error',
        `Rejected by <@${record.decidedBy ?? 'unknown'}>${record.reason ? `: ${clip(escapeMrkdwn(record.reason), 2000)}` : '.'}`,
      );
    case 'expired':
      return notice(
        'warning',
        `Nobody decided within ${formatDuration((record.expiresAt - record.createdAt) / 1000)}; the approval expired. ${record.phase === 'start' ? 'Nothing was changed.' : 'The job stops here.'}`,
      );
  }
}
