import type { MaintainState } from '../ops/maintain/maintain-state.js';
import type { SlackMessage } from '../queue/payloads.js';
import { slackTime } from './approval-time.js';
import { actions, context, escapeMrkdwn, section } from './blocks.js';
import { took } from './drain-words.js';
import { notice } from './notice.js';

export const MAINTAIN_DONE_ACTION = 'maintain-done';

/** The thread reply that carries the "Maintenance done" button, by name (rewritten once the button stops applying). */
export const MAINTAIN_READY_REPLY = 'maintain-ready';

/**
 * Drained and cordoned: the person may work on the node now, and says when they are done. Once that was said,
 * or the maintenance ended otherwise, the button gives way to who said it and when (`state.doneBy`), or to how
 * it ended (`ended`).
 */
export function maintainReadyMessage(
  requestId: string,
  state: MaintainState,
  reason?: string,
  ended?: string,
): SlackMessage {
  const drained = state.drain?.nodes[0];
  const evicted = drained?.pods.filter((p) => p.evictedAt !== undefined).length ?? 0;
  const why = reason ? ` (${escapeMrkdwn(reason)})` : '';
  return {
    text: `${state.node} is drained and ready for maintenance`,
    blocks: [
      section(
        `:wrench: *${escapeMrkdwn(state.node)}* is drained and cordoned: ready for maintenance${why}. ${evicted} pod${evicted === 1 ? '' : 's'} moved away in ${took((drained?.finishedAt ?? state.startedAt) - (drained?.startedAt ?? state.startedAt))}.\nWhen the work is done and the node is back, press the button: bosun waits for it to be Ready, then uncordons it.`,
      ),
      ...(state.doneBy !== undefined
        ? [
            context(
              `:white_check_mark: <@${state.doneBy}> pressed *Maintenance done*${state.doneAt !== undefined ? ` ${slackTime(state.doneAt)}` : ''}.`,
            ),
          ]
        : ended !== undefined
          ? [context(`No longer waiting: ${escapeMrkdwn(ended)}.`)]
          : [
              actions(`maintain:${requestId}`, [
                {
                  actionId: MAINTAIN_DONE_ACTION,
                  text: 'Maintenance done',
                  style: 'primary',
                  value: JSON.stringify({ r: requestId }),
                },
              ]),
              context('`/bosun cancel` leaves the node cordoned.'),
            ]),
    ],
  };
}

/** A "maintenance done" click on a request that is not a maintenance (a drain): only its author sees it. */
export const maintenanceDoneNotApplicable = (requestId: string, command: string): SlackMessage =>
  notice(
    'warning',
    `Request \`${requestId}\` is a ${command}, not a maintenance: "maintenance done" does not apply to it. Nothing was changed.`,
  );

/** The one confirmation of a "maintenance done" click, in the thread for everyone (the clicker gets no echo). */
export const maintenanceDoneLine = (node: string, by: string | undefined): SlackMessage =>
  notice(
    'info',
    `<@${by ?? '?'}> says maintenance is done. Waiting for *${escapeMrkdwn(node)}* to be Ready, then uncordoning it.`,
  );
