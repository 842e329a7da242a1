import { parseCommand as parse } from '../../src/commands/parse.js';
import { COMMANDS, type Command } from '../../src/operations/registry.js';

const parseSchedule = (text: string) => parse<Command>(text, COMMANDS);
const messageOf = (text: string) => {
  const parsed = parseSchedule(text);
  if (parsed.ok) throw new Error(`accepted ${text}`);
  return `${parsed.error.message} ${parsed.error.hint ?? ''}`.trim();
};

describe('backup schedule commands', () => {
  it('parses a schedule with its retention, zone and quietness', () => {
    expect(
      parseSchedule(
        'backup schedule set "0 2 * * *" --keep 7 --max-age 30d --tz Europe/Amsterdam --only-failures --cluster prod',
      ),
    ).toEqual({
      ok: true,
      command: {
        name: 'backup schedule set',
        cluster: 'prod',
        cron: '0 2 * * *',
        tz: 'Europe/Amsterdam',
        keep: 7,
        maxAgeSeconds: 30 * 86_400,
        onlyFailures: true,
        drillEvery: 1,
        namespaces: [],
        excludeKinds: [],
        secrets: true,
      },
    });
  });

  it('takes a six-field cron (seconds first) and UTC by default', () => {
    const parsed = parseSchedule('backup schedule set "*/5 * * * * *" --namespace shop --no-secrets');
    expect(parsed).toMatchObject({
      ok: true,
      command: {
        cron: '*/5 * * * * *',
        tz: 'UTC',
        namespaces: ['shop'],
        secrets: false,
        onlyFailures: false,
      },
    });
  });

  it('drills every Nth backup as asked, never with 0, and refuses what is not a count', () => {
    expect(parseSchedule('backup schedule set "0 2 * * *" --drill-every 7')).toMatchObject({
      ok: true,
      command: { drillEvery: 7 },
    });
    expect(parseSchedule('backup schedule set "0 2 * * *" --drill-every 0')).toMatchObject({
      ok: true,
      command: { drillEvery: 0 },
    });
    expect(messageOf('backup schedule set "0 2 * * *" --drill-every weekly')).toContain(
      'is not a number of backups; write it like --drill-every 7 (0: never)',
    );
  });

  it('refuses an invalid cron at once, with an example that works', () => {
    expect(messageOf('backup schedule set "61 2 * * *"')).toBe(
      '`61 2 ∗ ∗ ∗` is not a cron: it got value 61 expected range 0-59; try `"0 2 * * *"` (02:00 every day) or `"30 */6 * * *"` (every 6 hours at :30)',
    );
    expect(messageOf('backup schedule set "0 2 * *"')).toContain(
      'it has 4 fields; a cron has 5 (minute hour day month weekday), or 6 with seconds first; try `"0 2 * * *"`',
    );
  });

  it('refuses an unknown time zone with zones that work', () => {
    expect(messageOf('backup schedule set "0 2 * * *" --tz Mars/Olympus')).toBe(
      '`--tz`: `Mars/Olympus` is not a time zone; use an IANA name such as `Europe/Amsterdam`, `America/New_York` or `UTC`',
    );
  });

  it('refuses a keep that is not a number and a schedule id that is not one', () => {
    expect(messageOf('backup schedule set "0 2 * * *" --keep none')).toBe(
      '`--keep`: is not a number of backups to keep; write it like --keep 7',
    );
    expect(messageOf('backup schedule delete nightly')).toBe(
      '`nightly` is not a schedule id; schedule ids look like s1 (see `/bosun backup schedule list`)',
    );
  });

  it('parses list, delete and status', () => {
    expect(parseSchedule('backup schedule list --cluster prod')).toEqual({
      ok: true,
      command: { name: 'backup schedule list', cluster: 'prod' },
    });
    expect(parseSchedule('backup schedule delete s12')).toEqual({
      ok: true,
      command: { name: 'backup schedule delete', cluster: undefined, id: 's12' },
    });
    expect(parseSchedule('backup status')).toEqual({
      ok: true,
      command: { name: 'backup status', cluster: undefined },
    });
  });
});
