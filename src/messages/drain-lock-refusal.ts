import type { LockHolder, LockScope } from '../ports/lock.js';
import type { SlackMessage } from '../queue/payloads.js';
import { slackTime } from './approval-time.js';
import { escapeMrkdwn, section } from './blocks.js';

/** A second operation on a busy node (or cluster) is refused, with a link to the one running. */
export function lockRefusalText(holder: LockHolder, scope: LockScope, permalink: string | undefined): string {
  const what =
    scope.kind === 'node'
      ? `Node \`${escapeMrkdwn(scope.node)}\``
      : `Cluster \`${escapeMrkdwn(scope.cluster)}\``;
  if (holder.elsewhere) {
    const { lease, holder: who, until } = holder.elsewhere;
    const doing = holder.operation !== 'unknown' ? ` (\`${escapeMrkdwn(holder.operation)}\`)` : '';
    return `${what} is busy: its Lease \`${escapeMrkdwn(lease)}\` is held by \`${escapeMrkdwn(who)}\`${doing}, another bosun installation or a tool that honours the Lease, until ${slackTime(until)} unless renewed. bosun leaves a node to whoever holds it; try again when they have finished.`;
  }
  const request = permalink
    ? `<${permalink}|request \`${holder.requestId}\`>`
    : `request \`${holder.requestId}\``;
  return `${what} is busy: \`${escapeMrkdwn(holder.operation)}\` ${request} is running on it. bosun runs one change per node at a time; try again when it has finished.`;
}

export function lockRefusalMessage(
  holder: LockHolder,
  scope: LockScope,
  permalink: string | undefined,
): SlackMessage {
  const text = lockRefusalText(holder, scope, permalink);
  return { text: text.replace(/[*`]/g, ''), blocks: [section(`:no_entry: ${text}`)] };
}
