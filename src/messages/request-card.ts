import type { SlackMessage } from '../queue/payloads.js';
import type { RequestState } from '../requests/request-store.js';
import { slackTime } from './approval-time.js';
import { actions, type Block, type Button, context, escapeMrkdwn, fitBlocks, section } from './blocks.js';

/** What the parent message of a request shows. */
export interface CardView {
  requestId: string;
  /** The command as typed, without the slash command itself. */
  text: string;
  slash: string;
  user: string;
  cluster?: string;
  state: RequestState;
  /** One or two lines on where the request stands (e.g. "worker-1: 12/16 evicted · 3 terminating · 1 blocked"). */
  detail?: string;
  /** Extra sections (a preview, an approval summary). */
  sections?: string[];
  buttons?: Button[];
  /** The answer itself, under the state line: a read-only command's table, what a cordon means. */
  answer?: Block[];
  /** False when the request has no thread: the footer does not point to one. */
  thread?: boolean;
  /** When it ended; shown beside a final state (the buttons are gone, the card says what happened and when). */
  endedAt?: number;
}

const FINAL: ReadonlySet<RequestState> = new Set(['succeeded', 'failed', 'cancelled', 'rejected', 'expired']);

const STATE_LABEL: Record<RequestState, string> = {
  queued: ':hourglass_flowing_sand: Queued',
  'awaiting-approval': ':raised_hand: Waiting for approval',
  running: ':arrows_counterclockwise: Running',
  succeeded: ':white_check_mark: Done',
  failed: ':x: Failed',
  cancelled: ':no_entry_sign: Cancelled',
  rejected: ':no_entry: Rejected',
  expired: ':alarm_clock: Expired',
};

export function requestCard(view: CardView): SlackMessage {
  const command = `\`${escapeMrkdwn(`${view.slash} ${view.text}`.trim())}\``;
  const where = view.cluster ? ` on *${escapeMrkdwn(view.cluster)}*` : '';
  const blocks: Block[] = [
    section(
      `${command}${where}\n*${STATE_LABEL[view.state]}*${view.endedAt !== undefined && FINAL.has(view.state) ? ` ${slackTime(view.endedAt)}` : ''}${view.detail ? ` · ${view.detail}` : ''}`,
    ),
    ...(view.sections ?? []).map(section),
    ...(view.answer ?? []),
  ];
  if (view.buttons && view.buttons.length > 0) blocks.push(actions(`req:${view.requestId}`, view.buttons));
  blocks.push(
    context(
      `Requested by <@${view.user}> · request \`${view.requestId}\`${view.thread === false ? '' : ' · details in the thread'}`,
    ),
  );
  const plain = STATE_LABEL[view.state].replace(/^:[a-z_]+: /, '');
  return {
    text: `${view.slash} ${view.text}${view.cluster ? ` on ${view.cluster}` : ''}: ${plain}${view.detail ? ` (${view.detail})` : ''}`,
    blocks: fitBlocks(blocks),
  };
}
