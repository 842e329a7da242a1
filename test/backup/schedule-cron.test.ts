import {
  cronInWords,
  cronProblem,
  isTimeZone,
  missedAfter,
  nextRuns,
} from '../../src/backup/schedule-cron.js';

describe('backup schedule crons', () => {
  it('reads the next run in the schedule’s zone', () => {
    const from = Date.parse('2026-12-07T12:00:00Z');
    expect(nextRuns('0 2 * * *', 'Europe/Amsterdam', from).map((t) => new Date(t).toISOString())).toEqual([
      '2026-12-08T01:00:00.000Z',
    ]);
    expect(nextRuns('*/2 * * * * *', 'UTC', from, 2)).toEqual([from + 2000, from + 4000]);
  });

  it('counts a backup missed after two runs without a good one, plus half an interval', () => {
    const good = Date.parse('2026-12-07T02:00:30Z');
    expect(new Date(missedAfter('0 2 * * *', 'UTC', good)).toISOString()).toBe('2026-12-09T14:00:00.000Z');
  });

  it('measures a weekday schedule in its runs, so a weekend is not a miss', () => {
    const fridayGood = Date.parse('2026-12-11T02:00:30Z'); // a Friday
    expect(new Date(missedAfter('0 2 * * 1-5', 'UTC', fridayGood)).toISOString()).toBe(
      '2026-12-15T14:00:00.000Z',
    );
  });

  it('says what is wrong with a cron, and knows zones', () => {
    expect(cronProblem('0 2 * * *')).toBeUndefined();
    expect(cronProblem('0 2 * *')).toMatch(/^has 4 fields/);
    expect(cronProblem('0 25 * * *')).toBe('got value 25 expected range 0-23');
    expect(isTimeZone('Europe/Amsterdam')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('puts the common shapes in words', () => {
    expect(
      [
        '0 2 * * *',
        '30 */6 * * *',
        '*/15 * * * *',
        '0 3 * * 1-5',
        '0 4 * * 0',
        '*/5 * * * * *',
        '0 2 1 * *',
      ].map(cronInWords),
    ).toEqual([
      'every day at 02:00',
      'every 6 hours at :30',
      'every 15 minutes',
      'weekdays at 03:00',
      'every Sunday at 04:00',
      'every 5 seconds',
      undefined,
    ]);
  });
});
