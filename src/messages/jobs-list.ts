import type { SlackMessage } from '../queue/payloads.js';
import type { RequestRecord } from '../requests/request-store.js';
import { humanDuration } from '../shared/human-duration.js';
import { context, escapeMrkdwn, section } from './blocks.js';

const ICON: Record<RequestRecord['state'], string> = {
  queued: ':hourglass_flowing_sand:',
  'awaiting-approval': ':raised_hand:',
  running: ':arrows_counterclockwise:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
  rejected: ':no_entry:',
  expired: ':alarm_clock:',
};

/** `/bosun jobs`: this channel's recent requests, newest first. */
export function jobsMessage(records: RequestRecord[], now: number, slash: string): SlackMessage {
  if (records.length === 0) {
    return {
      text: 'No requests in this channel yet.',
      blocks: [section('No requests in this channel yet.')],
    };
  }
  const lines = records.map(
    (r) =>
      `${ICON[r.state]} \`${r.id}\` \`${escapeMrkdwn(`${slash} ${r.text}`)}\` by <@${r.user}> · ${r.state} · ${humanDuration(now - r.requestedAt)} ago`,
  );
  return {
    text: records.map((r) => `${r.id} ${r.text} ${r.state}`).join('\n'),
    blocks: [
      section(`*Recent requests in this channel*\n${lines.join('\n')}`),
      context(`\`${slash} cancel <request-id>\` stops one that is queued or running.`),
    ],
  };
}
