import type { BackupManifest } from '../ports/backup-manifest.js';
import type { BackupSchedule, ScheduleView } from '../ports/backup-schedules.js';
import type { SlackMessage } from '../queue/payloads.js';
import { humanDuration } from '../shared/human-duration.js';
import { context, escapeMrkdwn, section } from './blocks.js';
import { drillText, retentionText, scheduleScope, whenText, zoneTime } from './schedule-words.js';

const notifyText = (s: BackupSchedule, channel: string) =>
  `${s.onlyFailures ? 'posts only failures and missed backups' : 'posts every backup, failure and missed backup'} in <#${channel}>`;

/** The answer to `backup schedule set`: what was scheduled, when it first runs, where it reports. */
export function scheduleSet(
  schedule: BackupSchedule,
  created: boolean,
  next: number | undefined,
  channel: string,
  slash: string,
): SlackMessage {
  const verb = created ? 'set' : 'updated';
  const nextText = next !== undefined ? ` Next run ${zoneTime(next, schedule.tz)}.` : '';
  return {
    text: `Backup schedule ${schedule.id} of ${schedule.cluster} ${verb}: ${schedule.cron} (${schedule.tz})`,
    blocks: [
      section(
        `:calendar: Backup schedule *${schedule.id}* of *${escapeMrkdwn(schedule.cluster)}* ${verb}: ${whenText(schedule)}, ${escapeMrkdwn(schedule.tz)}; ${escapeMrkdwn(scheduleScope(schedule))}; ${retentionText(schedule)}; ${drillText(schedule)}.${nextText}`,
      ),
      context(`It ${notifyText(schedule, channel)}. \`${slash} backup schedule list\` shows every schedule.`),
    ],
  };
}

function lastText(view: ScheduleView, now: number): string {
  const last = view.state.lastRun;
  if (!last) return 'not run yet';
  const ago = `${humanDuration(now - last.at)} ago`;
  if (last.ok) return `ok ${ago} (${last.backupId ?? ''})`;
  const count = view.state.failures?.count ?? 1;
  return `FAILED ${ago}${count > 1 ? ` (${count} in a row)` : ''}`;
}

/** `backup schedule list`: every schedule of the cluster in one message. */
export function scheduleList(
  cluster: string,
  views: readonly ScheduleView[],
  slash: string,
  now: number,
): SlackMessage {
  if (views.length === 0) {
    return {
      text: `${cluster} has no backup schedules.`,
      blocks: [
        section(
          `*${escapeMrkdwn(cluster)}* has no backup schedules. \`${slash} backup schedule set "0 2 * * *" --keep 7\` backs it up every night at 02:00.`,
        ),
      ],
    };
  }
  const lines = views.map((v) => {
    const s = v.schedule;
    const next = v.next !== undefined ? zoneTime(v.next, s.tz) : 'not scheduled';
    return `*${s.id}* ${whenText(s)}: next ${escapeMrkdwn(next)}; ${escapeMrkdwn(scheduleScope(s))}; ${retentionText(s)}; ${drillText(s)}${s.onlyFailures ? '; only failures' : ''}; last ${escapeMrkdwn(lastText(v, now))}`;
  });
  return {
    text: `${cluster}: ${views.length} backup schedule${views.length === 1 ? '' : 's'}`,
    blocks: [
      section(`*${escapeMrkdwn(cluster)}*: ${views.length} backup schedule${views.length === 1 ? '' : 's'}`),
      section(lines.join('\n')),
      context(`\`${slash} backup schedule delete <id>\` removes one; its backups stay.`),
    ],
  };
}

/** `backup schedule delete`: the schedule is gone, its backups stay. */
export function scheduleDeleted(schedule: BackupSchedule): SlackMessage {
  return {
    text: `Backup schedule ${schedule.id} of ${schedule.cluster} deleted`,
    blocks: [
      section(
        `:wastebasket: Backup schedule *${schedule.id}* of *${escapeMrkdwn(schedule.cluster)}* (${whenText(schedule)}) deleted. The backups it took stay until you delete them.`,
      ),
    ],
  };
}

export interface StatusView {
  cluster: string;
  lastGood?: BackupManifest;
  schedules: readonly ScheduleView[];
  /** Schedules whose missed alert stands (no good backup within two runs). */
  missed: readonly string[];
  now: number;
}

/** `backup status`: the last good backup and its age, the next run, failures and missed runs, in one message. */
export function backupStatus(view: StatusView, slash: string): SlackMessage {
  const { now } = view;
  const good = view.lastGood
    ? `Last good backup *${view.lastGood.id}*, ${humanDuration(now - Date.parse(view.lastGood.finishedAt))} ago (${view.lastGood.objects.toLocaleString('en-US')} objects, by ${view.lastGood.trigger}).`
    : `No good backup yet. \`${slash} backup now\` takes one.`;
  const upcoming = view.schedules
    .filter((v) => v.next !== undefined)
    .sort((a, b) => (a.next ?? 0) - (b.next ?? 0))[0];
  const next = upcoming
    ? `Next scheduled: *${upcoming.schedule.id}* ${escapeMrkdwn(zoneTime(upcoming.next ?? 0, upcoming.schedule.tz))}.`
    : `No backup schedule. \`${slash} backup schedule set "0 2 * * *"\` sets one.`;
  const problems: string[] = [];
  for (const v of view.schedules) {
    const f = v.state.failures;
    if (f) {
      problems.push(
        `:x: *${v.schedule.id}* failed ${f.count === 1 ? 'once' : `${f.count} times`} since ${escapeMrkdwn(zoneTime(f.since, v.schedule.tz))}: ${escapeMrkdwn(f.reason)}`,
      );
    }
    if (view.missed.includes(v.schedule.id)) {
      problems.push(`:warning: *${v.schedule.id}* missed: no good backup within two of its runs`);
    }
  }
  const healthy = problems.length === 0 && view.lastGood ? ':white_check_mark: ' : ':warning: ';
  return {
    text: `${view.cluster}: ${view.lastGood ? `last good backup ${view.lastGood.id}` : 'no good backup yet'}${problems.length > 0 ? `, ${problems.length} problem${problems.length === 1 ? '' : 's'}` : ''}`,
    blocks: [
      section(`${healthy}*${escapeMrkdwn(view.cluster)}* backups. ${good}\n${next}`),
      ...(problems.length > 0 ? [section(problems.join('\n'))] : []),
      context(
        `\`${slash} backup schedule list\` for every schedule, \`${slash} backup list\` for every backup.`,
      ),
    ],
  };
}
