import { ChangeWindowSchema } from '../../src/config/policy-schema.js';
import { checkChangeWindows } from '../../src/policy/change-window.js';

const window = (w: Record<string, unknown>) => ChangeWindowSchema.parse(w);
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('change windows', () => {
  const office = window({
    days: ['tue', 'wed', 'thu'],
    from: '09:00',
    to: '17:00',
    timeZone: 'Europe/Berlin',
  });

  it('is open inside the window, in its own time zone', () => {
    expect(checkChangeWindows([office], at('2026-11-24T08:00:00Z')).open).toBe(true); // Tue 09:00 CET
    expect(checkChangeWindows([office], at('2026-11-24T15:59:59Z')).open).toBe(true);
    expect(checkChangeWindows([office], at('2026-11-24T16:00:00Z')).open).toBe(false); // Tue 17:00 CET
  });

  it('names the next window: later the same day, the next allowed day, or over the weekend', () => {
    const early = checkChangeWindows([office], at('2026-11-24T06:00:00Z'));
    expect(early.open ? undefined : iso(early.next?.startsAt)).toBe('2026-11-24T08:00:00.000Z');
    const thursdayEvening = checkChangeWindows([office], at('2026-11-26T18:00:00Z'));
    expect(thursdayEvening.open ? undefined : iso(thursdayEvening.next?.startsAt)).toBe(
      '2026-12-01T08:00:00.000Z',
    );
  });

  it('follows daylight saving time: 09:00 Berlin is 07:00 UTC in summer', () => {
    const summer = checkChangeWindows([office], at('2026-07-06T12:00:00Z')); // Monday
    expect(summer.open ? undefined : iso(summer.next?.startsAt)).toBe('2026-07-07T07:00:00.000Z');
  });

  it('a window whose end comes before its start runs past midnight', () => {
    const night = window({ days: ['fri'], from: '22:00', to: '04:00', timeZone: 'UTC' });
    expect(checkChangeWindows([night], at('2026-11-28T02:00:00Z')).open).toBe(true); // Saturday 02:00
    expect(checkChangeWindows([night], at('2026-11-28T05:00:00Z')).open).toBe(false);
  });

  it('with several windows the earliest next one is named, and no windows means always open', () => {
    const weekend = window({ days: ['sat'], from: '10:00', to: '12:00', timeZone: 'America/New_York' });
    const check = checkChangeWindows([office, weekend], at('2026-11-26T18:00:00Z'));
    expect(check.open ? undefined : iso(check.next?.startsAt)).toBe('2026-11-28T15:00:00.000Z');
    expect(checkChangeWindows([], at('2026-11-26T18:00:00Z')).open).toBe(true);
  });
});
