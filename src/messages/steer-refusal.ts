import type { SteerRefusal } from '../policy/authorize-steer.js';
import type { SlackMessage } from '../queue/payloads.js';
import type { RequestRecord, RequestState } from '../requests/request-store.js';
import { slackTime } from './approval-time.js';
import { escapeMrkdwn } from './blocks.js';
import { notice } from './notice.js';

/** Why a button of a running request was refused; only the person who pressed it sees this. */
export function steerRefusalMessage(refusal: SteerRefusal): SlackMessage {
  const why = (() => {
    switch (refusal.reason) {
      case 'not-requester':
        return `You may not steer \`${escapeMrkdwn(refusal.command)}\` on \`${escapeMrkdwn(refusal.cluster)}\` under this channel's policy.`;
      case 'own-request':
        return 'Deleting a pod against its budget needs someone other than the requester (the policy asks for four eyes).';
      case 'not-approver':
        return 'Deleting a pod against its budget needs an approver of this command.';
      case 'group-lookup-failed':
        return `bosun could not check the members of the approvers' group <!subteam^${refusal.groupId}>; try again in a minute.`;
    }
  })();
  return notice('error', `${why} Nothing was changed.`);
}

const ENDED: Partial<Record<RequestState, string>> = {
  succeeded: 'already finished',
  failed: 'already failed',
  cancelled: 'was cancelled',
  rejected: 'was rejected',
  expired: 'expired',
};

/**
 * A button of a request that is not running (it ended, or has not started): a plain sentence saying so and when,
 * only to the person who pressed it.
 */
export function notRunningAnswer(
  record: Pick<RequestRecord, 'id' | 'state' | 'updatedAt' | 'summary'> & { command?: { name: string } },
): SlackMessage {
  const what = `This ${record.command?.name ?? 'request'} (\`${record.id}\`)`;
  const ended = ENDED[record.state];
  if (ended) {
    const summary = record.summary ? ` (${escapeMrkdwn(record.summary)})` : '';
    return notice(
      'info',
      `${what} ${ended} at ${slackTime(record.updatedAt)}${summary}; nothing was changed.`,
    );
  }
  return notice('info', `${what} has not started yet, so there is nothing to steer; nothing was changed.`);
}
