import type { AuditRecord } from '../audit/audit-entry.js';
import { auditText, plainCommand } from '../audit/audit-text.js';
import { formatDuration } from '../commands/values.js';
import type { SlackMessage } from '../queue/payloads.js';
import { slackTime } from './approval-time.js';
import { auditWhat } from './audit-what.js';
import { context, escapeMrkdwn, fitBlocks, MAX_TEXT, section } from './blocks.js';
import { notice } from './notice.js';

/** How many entries the ephemeral answer shows; the rest go in a file. */
export const AUDIT_LINES_SHOWN = 40;

const EVENT_ICON: Record<AuditRecord['event'], string> = {
  requested: ':inbox_tray:',
  refused: ':no_entry_sign:',
  'approval-requested': ':raised_hand:',
  approved: ':white_check_mark:',
  denied: ':no_entry:',
  rejected: ':x:',
  expired: ':alarm_clock:',
  cancelled: ':no_entry_sign:',
  'job-started': ':arrow_forward:',
  'job-step': ':small_blue_diamond:',
  'job-finished': ':checkered_flag:',
};

export interface AuditListingView {
  records: AuditRecord[];
  /** The Redis listing itself was cut (more entries than bosun reads at once). */
  truncated: boolean;
  sinceSeconds: number;
  clusters: string[];
  slash: string;
  /** The whole listing is on its way as a file, when it does not fit here. */
  file?: 'sending';
}

/** One event: Slack shows the person's name for the mention and the time in the reader's zone. */
function line(record: AuditRecord): string {
  const what = `${EVENT_ICON[record.event]} ${escapeMrkdwn(auditWhat(record))}`;
  const command = record.command ? ` \`${escapeMrkdwn(plainCommand(record.command))}\`` : '';
  const request = record.requestId ? ` \`${record.requestId}\`` : '';
  const detail = record.detail ? ` — ${escapeMrkdwn(auditText(record.detail))}` : '';
  return `${slackTime(record.at)} <@${record.user}> ${what}${command}${request}${detail}`;
}

/** Lines packed into as few sections as Slack's per-text limit allows. */
function packed(lines: string[]): string[] {
  const texts: string[] = [];
  let current = '';
  for (const next of lines) {
    if (current && current.length + next.length + 1 > MAX_TEXT) {
      texts.push(current);
      current = '';
    }
    current = current ? `${current}\n${next}` : next;
  }
  if (current) texts.push(current);
  return texts;
}

/** `/bosun audit`: who asked for, approved and ran what, most recent last; shown only to the person asking. */
export function auditListing(view: AuditListingView): SlackMessage {
  const scope = `${view.clusters.map((c) => `*${escapeMrkdwn(c)}*`).join(', ')} in the last ${formatDuration(view.sinceSeconds)}`;
  if (view.records.length === 0) {
    return {
      text: `No audit entries for ${view.clusters.join(', ')} in the last ${formatDuration(view.sinceSeconds)}.`,
      blocks: [section(`No audit entries for ${scope}.`)],
    };
  }
  const shown = view.records.slice(-AUDIT_LINES_SHOWN);
  const left = view.records.length - shown.length;
  const notes: string[] = [];
  if (left > 0) {
    notes.push(
      view.file === 'sending'
        ? `The whole listing, with the ${left} earlier entries, comes as a file in your direct messages with bosun.`
        : `${left} earlier entries are not shown.`,
    );
  }
  if (view.truncated)
    notes.push('Older entries were left out; narrow `--since` or use `bosun audit` on the command line.');
  notes.push(`\`${view.slash} audit --since 7d --cluster NAME\` looks further back.`);
  return {
    text: `${view.records.length} audit entries for ${view.clusters.join(', ')} in the last ${formatDuration(view.sinceSeconds)}.`,
    blocks: fitBlocks([
      section(
        `*Audit log* for ${scope}: ${view.records.length} ${view.records.length === 1 ? 'entry' : 'entries'}${left > 0 ? `, the last ${shown.length} shown` : ''}.`,
      ),
      ...packed(shown.map(line)).map(section),
      context(...notes),
    ]),
  };
}

/** The comment on the audit log file sent to the person who asked. */
export const auditFileComment = (slash: string): string =>
  `The audit log you asked for with \`${slash} audit\`.`;

/** Said where they asked, when Slack would not take the file. */
export const auditFileFailed = (): SlackMessage =>
  notice(
    'warning',
    'bosun could not send the audit listing as a file; the listing above is the most recent part.',
  );
