import type { BackupManifest } from '../ports/backup-manifest.js';
import type { BackupSchedule } from '../ports/backup-schedules.js';
import type { SlackMessage } from '../queue/payloads.js';
import { humanDuration } from '../shared/human-duration.js';
import { backupLine } from './backup-messages.js';
import { context, escapeMrkdwn, section } from './blocks.js';
import { ownerMentions, whenText, zoneTime } from './schedule-words.js';

/**
 * The messages a backup schedule posts in its channel, one per event and compact: a backup taken (unless the
 * schedule is quiet on success), a failure (mentioning the owners; repeated identical failures rewrite the first
 * alert instead of posting again), a missed backup. Built from plain data; src/schedules decides when.
 */

const scheduleName = (s: BackupSchedule) => `Schedule ${s.id}, ${whenText(s)}`;

/** A scheduled backup that was taken and verified, and what retention deleted after it. */
export function scheduledBackupTaken(
  schedule: BackupSchedule,
  manifest: BackupManifest,
  deleted: readonly string[],
  slash: string,
): SlackMessage {
  const retention =
    deleted.length === 0
      ? ''
      : ` Retention deleted ${deleted.length === 1 ? `backup ${deleted[0]}` : `${deleted.length} older backups`}.`;
  const drilled = manifest.verification.checks.includes('drill')
    ? manifest.verification.notes?.find((note) => note.startsWith('restore drill:'))
    : undefined;
  const drill = drilled ? ` ${escapeMrkdwn(`R${drilled.slice(1)}`)}.` : '';
  return {
    text: `Backup ${manifest.id} of ${manifest.cluster}: ${backupLine(manifest)}`,
    blocks: [
      section(
        `:white_check_mark: Backup *${manifest.id}* of *${escapeMrkdwn(manifest.cluster)}*: ${escapeMrkdwn(backupLine(manifest))}.`,
      ),
      context(`${scheduleName(schedule)}.${drill}${retention} \`${slash} backup show ${manifest.id}\``),
    ],
  };
}

export interface FailureView {
  schedule: BackupSchedule;
  reason: string;
  /** How many times in a row it failed this way, and since when. */
  count: number;
  since: number;
  owners: readonly string[];
  lastGood?: { backupId: string; at: number };
  now: number;
}

function lastGoodText(lastGood: FailureView['lastGood'], now: number): string {
  return lastGood
    ? `Last good backup ${lastGood.backupId}, ${humanDuration(now - lastGood.at)} ago.`
    : 'No good backup from this schedule yet.';
}

/** A scheduled backup that failed, first time or again (the same alert rewritten with the count). */
export function scheduledBackupFailed(view: FailureView, slash: string): SlackMessage {
  const { schedule } = view;
  const owners = view.owners.length > 0 ? ` ${ownerMentions(view.owners)}` : '';
  const again =
    view.count > 1 ? ` again (${view.count} times since ${zoneTime(view.since, schedule.tz)})` : '';
  return {
    text: `Backup of ${schedule.cluster} failed${again}: ${view.reason}`,
    blocks: [
      section(
        `:x: Scheduled backup of *${escapeMrkdwn(schedule.cluster)}* failed${again}: ${escapeMrkdwn(view.reason)}${owners}`,
      ),
      context(
        `${scheduleName(schedule)}. ${lastGoodText(view.lastGood, view.now)} \`${slash} backup status\``,
      ),
    ],
  };
}

/** The failure alert once a backup of the schedule succeeded again: what happened, and that it is over. */
export function scheduledBackupRecovered(
  schedule: BackupSchedule,
  failures: { reason: string; count: number; since: number },
  manifest: BackupManifest,
): SlackMessage {
  const times = failures.count === 1 ? 'once' : `${failures.count} times`;
  return {
    text: `Backup of ${schedule.cluster} failed ${times}, then succeeded with ${manifest.id}`,
    blocks: [
      section(
        `:white_check_mark: ~Scheduled backup of *${escapeMrkdwn(schedule.cluster)}* failed ${times} since ${zoneTime(failures.since, schedule.tz)}~: ${escapeMrkdwn(failures.reason)}`,
      ),
      context(
        `${scheduleName(schedule)}. Back to normal ${zoneTime(Date.parse(manifest.finishedAt), schedule.tz)} with backup ${manifest.id}.`,
      ),
    ],
  };
}

export interface MissedView {
  schedule: BackupSchedule;
  owners: readonly string[];
  lastGood?: { backupId: string; at: number };
  now: number;
}

/** No good backup within two of the schedule's runs: the alert names the last good one. */
export function missedBackup(view: MissedView, slash: string): SlackMessage {
  const { schedule } = view;
  const owners = view.owners.length > 0 ? ` ${ownerMentions(view.owners)}` : '';
  const since = view.lastGood
    ? `since backup *${view.lastGood.backupId}*, ${humanDuration(view.now - view.lastGood.at)} ago`
    : `since the schedule was set, ${humanDuration(view.now - schedule.createdAt)} ago`;
  return {
    text: `Missed backup: ${schedule.cluster} has no good scheduled backup ${since.replace(/\*/g, '')}`,
    blocks: [
      section(
        `:warning: *Missed backup*: *${escapeMrkdwn(schedule.cluster)}* has had no good backup from its schedule ${since}.${owners}`,
      ),
      context(`${scheduleName(schedule)}. \`${slash} backup status\``),
    ],
  };
}

/** The missed-backup alert once the schedule took a good backup again. */
export function missedBackupRecovered(
  schedule: BackupSchedule,
  missedSince: number,
  manifest: BackupManifest,
): SlackMessage {
  return {
    text: `Missed backup of ${schedule.cluster} since ${zoneTime(missedSince, schedule.tz)}, then backup ${manifest.id}`,
    blocks: [
      section(
        `:white_check_mark: ~*Missed backup*: *${escapeMrkdwn(schedule.cluster)}* had no good backup from its schedule since ${zoneTime(missedSince, schedule.tz)}~`,
      ),
      context(
        `${scheduleName(schedule)}. Back to normal ${zoneTime(Date.parse(manifest.finishedAt), schedule.tz)} with backup ${manifest.id}.`,
      ),
    ],
  };
}
