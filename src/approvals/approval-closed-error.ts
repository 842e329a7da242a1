import { escapeMrkdwn } from '../messages/blocks.js';
import { BosunError } from '../ops/errors.js';
import type { ApprovalRecord } from './approval-record.js';

/**
 * A phase approval was rejected or expired: the job stops there. An operation may catch it to leave things
 * tidy, and should rethrow it; request-job marks the request rejected or expired.
 */
export class ApprovalClosedError extends BosunError {
  constructor(readonly record: ApprovalRecord) {
    const rejected = record.state === 'rejected';
    super(
      rejected ? 'APPROVAL_REJECTED' : 'APPROVAL_EXPIRED',
      rejected
        ? `Phase \`${record.phase}\` was rejected by <@${record.decidedBy ?? 'unknown'}>${record.reason ? `: ${escapeMrkdwn(record.reason)}` : '.'}`
        : `Nobody approved phase \`${record.phase}\` in time; the approval expired.`,
    );
    this.name = 'ApprovalClosedError';
  }

  get state(): 'rejected' | 'expired' {
    return this.record.state === 'rejected' ? 'rejected' : 'expired';
  }
}
