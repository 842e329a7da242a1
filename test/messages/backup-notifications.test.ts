import {
  missedBackup,
  missedBackupRecovered,
  scheduledBackupFailed,
  scheduledBackupRecovered,
  scheduledBackupTaken,
} from '../../src/messages/backup-notifications.js';
import {
  backupStatus,
  scheduleDeleted,
  scheduleList,
  scheduleSet,
} from '../../src/messages/backup-schedule-messages.js';
import type { BackupManifest } from '../../src/ports/backup-manifest.js';
import type { BackupSchedule, ScheduleView } from '../../src/ports/backup-schedules.js';
import { expectGolden } from '../support/golden.js';
import { expectWithinSlackLimits } from '../support/slack-limits.js';

const NOW = Date.parse('2026-12-08T09:00:00Z');

const manifest: BackupManifest = {
  format: 1,
  id: '20261208-010000-k3qf',
  cluster: 'prod',
  what: 'resources',
  startedAt: '2026-12-08T01:00:00.000Z',
  finishedAt: '2026-12-08T01:00:44.000Z',
  kubernetesVersion: 'v1.31.4',
  bosunVersion: '0.1.0',
  trigger: 'schedule s1',
  scope: { namespaces: [], excludedKinds: [], secrets: 'included' },
  objects: 1234,
  bytes: 4_812_345,
  kinds: [
    { resource: 'configmaps', kind: 'ConfigMap', count: 534, bytes: 2_812_345 },
    { resource: 'pods', kind: 'Pod', count: 700, bytes: 2_000_000 },
  ],
  artifacts: [{ path: 'SHA256SUMS', bytes: 120_000, sha256: `3f9c2b7a1e04${'b'.repeat(52)}` }],
  warnings: [],
  verification: { state: 'passed', at: '2026-12-08T01:00:44.000Z', checks: ['checksums'], problems: [] },
};

const schedule: BackupSchedule = {
  id: 's1',
  cluster: 'prod',
  cron: '0 2 * * *',
  tz: 'Europe/Amsterdam',
  keep: 7,
  maxAgeSeconds: 30 * 86_400,
  onlyFailures: false,
  drillEvery: 1,
  namespaces: [],
  excludeKinds: [],
  secrets: true,
  channel: 'COPS',
  createdBy: 'UALICE',
  createdAt: Date.parse('2026-12-01T10:00:00Z'),
};

describe('backup notifications', () => {
  it('a scheduled backup: one compact message with objects, size, duration, checksum, verified', () => {
    const message = scheduledBackupTaken(schedule, manifest, ['20261201-010000-aaaa'], '/bosun');
    expectWithinSlackLimits(message);
    expect(message.text).toBe(
      'Backup 20261208-010000-k3qf of prod: 1,234 objects in 2 kinds, 4.8 MB, took 44s, sha256 3f9c2b7a1e04, verified',
    );
    expect(JSON.stringify(message.blocks)).toContain('Retention deleted backup 20261201-010000-aaaa.');
    expectGolden(import.meta.url, 'scheduled-backup-taken', message);
  });

  it('a failure names the reason and mentions the owners, people and groups', () => {
    const message = scheduledBackupFailed(
      {
        schedule,
        reason: 'the store refused the upload: disk full',
        count: 1,
        since: Date.parse('2026-12-08T01:00:00Z'),
        owners: ['UOWNER', 'SPLATFORM'],
        lastGood: { backupId: '20261207-010000-zzzz', at: Date.parse('2026-12-07T01:00:40Z') },
        now: NOW,
      },
      '/bosun',
    );
    expectWithinSlackLimits(message);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('<@UOWNER> <!subteam^SPLATFORM>');
    expect(shown).toContain('Last good backup 20261207-010000-zzzz, 31h ago.');
    expectGolden(import.meta.url, 'scheduled-backup-failed', message);
  });

  it('the same failure again rewrites the alert with the count and since when', () => {
    const message = scheduledBackupFailed(
      {
        schedule,
        reason: 'the store refused the upload: disk full',
        count: 3,
        since: Date.parse('2026-12-06T01:00:00Z'),
        owners: ['UOWNER'],
        now: NOW,
      },
      '/bosun',
    );
    expect(message.text).toBe(
      'Backup of prod failed again (3 times since Sun 6 Dec 02:00 Europe/Amsterdam): the store refused the upload: disk full',
    );
    expectGolden(import.meta.url, 'scheduled-backup-failed-again', message);
  });

  it('a recovery strikes the alert through and names the good backup', () => {
    const message = scheduledBackupRecovered(
      schedule,
      { reason: 'disk full', count: 2, since: Date.parse('2026-12-06T01:00:00Z') },
      manifest,
    );
    expectGolden(import.meta.url, 'scheduled-backup-recovered', message);
  });

  it('a missed backup names the last good one', () => {
    const message = missedBackup(
      {
        schedule,
        owners: ['UOWNER'],
        lastGood: { backupId: '20261205-010000-zzzz', at: Date.parse('2026-12-05T01:00:40Z') },
        now: NOW,
      },
      '/bosun',
    );
    expect(message.text).toBe(
      'Missed backup: prod has no good scheduled backup since backup 20261205-010000-zzzz, 3d7h ago',
    );
    expectGolden(import.meta.url, 'missed-backup', message);
  });

  it('a missed alert struck through once a good backup came', () => {
    const message = missedBackupRecovered(schedule, Date.parse('2026-12-05T01:00:40Z'), manifest);
    expect(message.text).toBe(
      'Missed backup of prod since Sat 5 Dec 02:00 Europe/Amsterdam, then backup 20261208-010000-k3qf',
    );
    expectGolden(import.meta.url, 'missed-backup-recovered', message);
  });
});

describe('backup schedule answers', () => {
  const view: ScheduleView = {
    schedule,
    state: { lastRun: { at: Date.parse('2026-12-08T01:00:44Z'), ok: true, backupId: manifest.id } },
    next: Date.parse('2026-12-09T01:00:00Z'),
  };
  const failing: ScheduleView = {
    schedule: {
      ...schedule,
      id: 's2',
      cron: '*/30 * * * *',
      tz: 'UTC',
      keep: undefined,
      maxAgeSeconds: undefined,
      onlyFailures: true,
      namespaces: ['shop'],
    },
    state: {
      lastRun: { at: Date.parse('2026-12-08T08:30:00Z'), ok: false, reason: 'disk full' },
      failures: { reason: 'disk full', count: 4, since: Date.parse('2026-12-08T07:00:00Z'), notice: 'x' },
    },
    next: Date.parse('2026-12-08T09:30:00Z'),
  };

  it('set: what, when in words, retention, where it posts, the next run in its zone', () => {
    const message = scheduleSet(schedule, true, Date.parse('2026-12-09T01:00:00Z'), 'COPS', '/bosun');
    expect(JSON.stringify(message.blocks)).toContain('every day at 02:00 (`0 2 * * *`), Europe/Amsterdam');
    expect(JSON.stringify(message.blocks)).toContain('Next run Wed 9 Dec 02:00 Europe/Amsterdam.');
    expectGolden(import.meta.url, 'schedule-set', message);
  });

  it('list: every schedule with its next run, retention and last result', () => {
    const message = scheduleList('prod', [view, failing], '/bosun', NOW);
    expectWithinSlackLimits(message);
    expect(JSON.stringify(message.blocks)).toContain('last FAILED 30m ago (4 in a row)');
    expectGolden(import.meta.url, 'schedule-list', message);
    expectGolden(import.meta.url, 'schedule-list-empty', scheduleList('prod', [], '/bosun', NOW));
  });

  it('delete says the backups stay', () => {
    expectGolden(import.meta.url, 'schedule-deleted', scheduleDeleted(schedule));
  });

  it('status: last good backup and age, next run, failures and missed runs, in one message', () => {
    const message = backupStatus(
      { cluster: 'prod', lastGood: manifest, schedules: [view, failing], missed: ['s2'], now: NOW },
      '/bosun',
    );
    expectWithinSlackLimits(message);
    expect(message.text).toBe('prod: last good backup 20261208-010000-k3qf, 2 problems');
    expectGolden(import.meta.url, 'backup-status', message);
    expectGolden(
      import.meta.url,
      'backup-status-empty',
      backupStatus({ cluster: 'prod', schedules: [], missed: [], now: NOW }, '/bosun'),
    );
  });
});
