import type { LockHolder, LockScope } from '../ports/lock.js';
import type { SlackMessage } from '../queue/payloads.js';
import { escapeMrkdwn, section } from './blocks.js';

/** A second operation on a busy node (or cluster) is refused, with a link to the one running. */
export function lockRefusalText(holder: LockHolder, scope: LockScope, permalink: string | undefined): string {
  const what =
    scope.kind === 'node'
      ? `Node \`${escapeMrkdwn(scope.node)}\``
      : `Cluster \`${escapeMrkdwn(scope.cluster)}\``;
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
