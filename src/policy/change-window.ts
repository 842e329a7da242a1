import { type ChangeWindow, WEEKDAYS, type Weekday } from '../config/policy-schema.js';
import { instantOf, wallClock } from './zoned-time.js';

/** One occurrence of a change window: [startsAt, endsAt) in ms since the epoch. */
export interface WindowOccurrence {
  window: ChangeWindow;
  startsAt: number;
  endsAt: number;
}

export type WindowCheck =
  | { open: true; occurrence?: WindowOccurrence }
  | { open: false; next: WindowOccurrence | undefined };

const SUNDAY_FIRST: Weekday[] = ['sun', ...WEEKDAYS.slice(0, 6)];

const minutesOf = (time: string) => {
  const [h = '0', m = '0'] = time.split(':');
  return { hour: Number(h), minute: Number(m) };
};

/** The occurrences of `window` that start on the local days from one before `now` to a week after. */
function occurrencesAround(window: ChangeWindow, now: number): WindowOccurrence[] {
  const today = wallClock(now, window.timeZone);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  const overnight = to.hour * 60 + to.minute <= from.hour * 60 + from.minute;
  const occurrences: WindowOccurrence[] = [];
  for (let offset = -1; offset <= 7; offset++) {
    const date = { year: today.year, month: today.month, day: today.day + offset };
    const weekday = SUNDAY_FIRST[new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()];
    if (weekday === undefined || !window.days.includes(weekday)) continue;
    const startsAt = instantOf(date, from.hour, from.minute, window.timeZone);
    const endDate = overnight ? { ...date, day: date.day + 1 } : date;
    const endsAt = instantOf(endDate, to.hour, to.minute, window.timeZone);
    occurrences.push({ window, startsAt, endsAt });
  }
  return occurrences;
}

/**
 * Whether `now` falls in one of the windows and, when it does not, the next time one opens. No windows means
 * always open. Each window repeats weekly, so a week ahead always finds the next one.
 */
export function checkChangeWindows(windows: readonly ChangeWindow[], now: number): WindowCheck {
  if (windows.length === 0) return { open: true };
  let next: WindowOccurrence | undefined;
  for (const window of windows) {
    for (const occurrence of occurrencesAround(window, now)) {
      if (occurrence.startsAt <= now && now < occurrence.endsAt) return { open: true, occurrence };
      if (occurrence.startsAt > now && (!next || occurrence.startsAt < next.startsAt)) next = occurrence;
    }
  }
  return { open: false, next };
}
