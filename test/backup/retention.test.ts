import { chooseExpired } from '../../src/backup/retention.js';
import type { BackupManifest } from '../../src/ports/backup-manifest.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-07T12:00:00Z');

function backup(id: string, daysAgo: number, verified = true): BackupManifest {
  const at = new Date(NOW - daysAgo * DAY).toISOString();
  return {
    format: 1,
    id,
    cluster: 'prod',
    what: 'resources',
    startedAt: at,
    finishedAt: at,
    kubernetesVersion: 'v1.31.0',
    bosunVersion: '0.1.0',
    trigger: 'schedule s1',
    scope: { namespaces: [], excludedKinds: [], secrets: 'included' },
    objects: 10,
    bytes: 1000,
    kinds: [],
    artifacts: [],
    warnings: [],
    verification: { state: verified ? 'passed' : 'failed', at, checks: ['checksums'], problems: [] },
  };
}

const ids = (list: readonly BackupManifest[]) => list.map((m) => m.id);

describe('retention of a schedule’s backups', () => {
  const five = [backup('d5', 5), backup('d4', 4), backup('d3', 3), backup('d2', 2), backup('d1', 1)];

  it('keeps the newest N and deletes the rest, oldest first', () => {
    expect(ids(chooseExpired(five, { keep: 2 }, NOW).remove)).toEqual(['d5', 'd4', 'd3']);
  });

  it('deletes backups older than the maximum age', () => {
    expect(ids(chooseExpired(five, { maxAgeMs: 3.5 * DAY }, NOW).remove)).toEqual(['d5', 'd4']);
  });

  it('applies both limits: whichever deletes more', () => {
    expect(ids(chooseExpired(five, { keep: 4, maxAgeMs: 2.5 * DAY }, NOW).remove)).toEqual([
      'd5',
      'd4',
      'd3',
    ]);
  });

  it('deletes nothing without a policy', () => {
    expect(chooseExpired(five, {}, NOW).remove).toEqual([]);
  });

  it('never deletes the newest verified backup, even when every newer one failed verification', () => {
    const list = [backup('old-good', 9), backup('bad-2', 2, false), backup('bad-1', 1, false)];
    const verdict = chooseExpired(list, { keep: 1, maxAgeMs: 3 * DAY }, NOW);
    expect(ids(verdict.remove)).toEqual(['bad-2']);
    expect(verdict.protected?.id).toBe('old-good');
  });

  it('never deletes the newest verified backup when all are past the maximum age', () => {
    const verdict = chooseExpired(five, { maxAgeMs: DAY / 2 }, NOW);
    expect(ids(verdict.remove)).toEqual(['d5', 'd4', 'd3', 'd2']);
    expect(verdict.protected?.id).toBe('d1');
  });
});
