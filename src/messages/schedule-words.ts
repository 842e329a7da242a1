import { cronInWords } from '../backup/schedule-cron.js';
import type { BackupSchedule } from '../ports/backup-schedules.js';
import { humanDuration } from '../shared/human-duration.js';

/** `Tue 8 Dec 02:00 Europe/Amsterdam`: a time as the schedule's zone reads it. */
export function zoneTime(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('hour')}:${part('minute')} ${zone}`;
}

/** `every day at 02:00 (0 2 * * *)`, or the cron alone when it has no short wording. */
export function whenText(schedule: Pick<BackupSchedule, 'cron'>): string {
  const words = cronInWords(schedule.cron);
  return words ? `${words} (\`${schedule.cron}\`)` : `\`${schedule.cron}\``;
}

/** `keeps 7, deletes after 30d`, or `keeps every backup`. */
export function retentionText(schedule: Pick<BackupSchedule, 'keep' | 'maxAgeSeconds'>): string {
  const parts: string[] = [];
  if (schedule.keep !== undefined) parts.push(`keeps ${schedule.keep}`);
  if (schedule.maxAgeSeconds !== undefined)
    parts.push(`deletes after ${humanDuration(schedule.maxAgeSeconds * 1000)}`);
  return parts.length > 0 ? parts.join(', ') : 'keeps every backup';
}

/** Which of the schedule's backups get the full verification, restore drill included. */
export function drillText(schedule: Pick<BackupSchedule, 'drillEvery'>): string {
  const n = schedule.drillEvery;
  if (n === 0) return 'no restore drill';
  if (n === 1) return 'restore drill of every backup';
  return `restore drill of every ${n}${ordinalSuffix(n)} backup`;
}

function ordinalSuffix(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

/** `Every namespace`, `namespaces shop, payments`, with `no Secrets` when so. */
export function scheduleScope(
  schedule: Pick<BackupSchedule, 'namespaces' | 'excludeKinds' | 'secrets'>,
): string {
  const parts = [
    schedule.namespaces.length > 0 ? `namespaces ${schedule.namespaces.join(', ')}` : 'every namespace',
  ];
  if (schedule.excludeKinds.length > 0) parts.push(`without ${schedule.excludeKinds.join(', ')}`);
  if (!schedule.secrets) parts.push('no Secrets');
  return parts.join(', ');
}

/** Who a failure calls: `<@U…>` for people, `<!subteam^S…>` for user groups. */
export function ownerMentions(owners: readonly string[]): string {
  return owners.map((o) => (o.startsWith('S') ? `<!subteam^${o}>` : `<@${o}>`)).join(' ');
}
