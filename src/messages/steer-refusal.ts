import type { SteerRefusal } from '../policy/authorize-steer.js';
import type { SlackMessage } from '../queue/payloads.js';
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
