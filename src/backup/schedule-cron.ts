import { CronExpressionParser } from 'cron-parser';

/** What an invalid cron or zone is answered with: two that work. */
export const CRON_EXAMPLE = '`"0 2 * * *"` (02:00 every day) or `"30 */6 * * *"` (every 6 hours at :30)';

/**
 * Why a cron pattern cannot schedule backups, or undefined when it can. Five fields (minute hour day month
 * weekday) or six (seconds first), as BullMQ's job schedulers read them, with the same parser (cron-parser).
 */
export function cronProblem(pattern: string): string | undefined {
  const fields = pattern
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length < 5 || fields.length > 6) {
    return `has ${fields.length} field${fields.length === 1 ? '' : 's'}; a cron has 5 (minute hour day month weekday), or 6 with seconds first`;
  }
  try {
    CronExpressionParser.parse(pattern).next();
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Validation error, /, '').replace(/^Constraint error, /, '');
  }
}

/** True for an IANA time zone the runtime knows (`Europe/Amsterdam`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The next `count` runs of a schedule after `from`, in epoch milliseconds. */
export function nextRuns(pattern: string, zone: string, from: number, count = 1): number[] {
  const runs = CronExpressionParser.parse(pattern, { tz: zone, currentDate: new Date(from) });
  return runs.take(count).map((d) => d.getTime());
}

/**
 * When a schedule whose last good backup ended at `lastGood` counts as missed: two of its runs have passed since
 * without a good backup, and half a run's interval more for the second to finish. A schedule that skips days
 * (weekdays only) is measured in its own runs, not in hours, so a weekend raises nothing.
 */
export function missedAfter(pattern: string, zone: string, lastGood: number): number {
  const [first = lastGood, second = lastGood] = nextRuns(pattern, zone, lastGood, 2);
  return second + (second - first) / 2;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: string) => n.padStart(2, '0');

/** The common shapes in words (`every day at 02:00`); undefined for the rest, which are shown as written. */
export function cronInWords(pattern: string): string | undefined {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length === 6) {
    const [s, ...rest] = fields;
    if (rest.every((f) => f === '*')) {
      const every = /^\*\/(\d+)$/.exec(s ?? '');
      if (s === '*') return 'every second';
      if (every) return `every ${every[1]} seconds`;
    }
    if (s !== '0') return undefined;
    return cronInWords(rest.join(' '));
  }
  if (fields.length !== 5) return undefined;
  const [minute = '', hour = '', day = '', month = '', weekday = ''] = fields;
  if (day !== '*' || month !== '*') return undefined;
  const num = /^\d+$/;
  const everyMinutes = /^\*\/(\d+)$/.exec(minute);
  if (everyMinutes && hour === '*' && weekday === '*') return `every ${everyMinutes[1]} minutes`;
  if (!num.test(minute)) return undefined;
  if (hour === '*' && weekday === '*') return `every hour at :${pad(minute)}`;
  const everyHours = /^\*\/(\d+)$/.exec(hour);
  if (everyHours && weekday === '*') return `every ${everyHours[1]} hours at :${pad(minute)}`;
  if (!num.test(hour)) return undefined;
  const time = `${pad(hour)}:${pad(minute)}`;
  if (weekday === '*') return `every day at ${time}`;
  if (weekday === '1-5') return `weekdays at ${time}`;
  if (num.test(weekday) && Number(weekday) <= 7) return `every ${DAYS[Number(weekday) % 7]} at ${time}`;
  return undefined;
}
