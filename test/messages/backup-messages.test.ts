import { parseCommand as parse } from '../../src/commands/parse.js';
import { backupDetails, backupList, backupTaken, sizeText } from '../../src/messages/backup-messages.js';
import { helpMessage, usageMessage } from '../../src/messages/usage.js';
import { COMMANDS, type Command } from '../../src/operations/registry.js';
import type { BackupManifest } from '../../src/ports/backup-manifest.js';
import { expectGolden } from '../support/golden.js';
import { expectWithinSlackLimits } from '../support/slack-limits.js';

const parseCommand = (text: string) => parse<Command>(text, COMMANDS);

function manifest(over: Partial<BackupManifest> = {}): BackupManifest {
  return {
    format: 1,
    id: '20261207-153045-k3qf',
    cluster: 'prod',
    what: 'resources',
    startedAt: '2026-12-07T15:30:45.000Z',
    finishedAt: '2026-12-07T15:31:29.000Z',
    kubernetesVersion: 'v1.31.4',
    bosunVersion: '0.1.0',
    trigger: '<@UALICE>',
    scope: { namespaces: [], excludedKinds: [], secrets: 'included' },
    objects: 1234,
    bytes: 4_812_345,
    kinds: [
      { resource: 'configmaps', kind: 'ConfigMap', count: 410, bytes: 2_100_000 },
      { resource: 'deployments.apps', kind: 'Deployment', count: 64, bytes: 512_000 },
      { resource: 'pods', kind: 'Pod', count: 700, bytes: 2_000_000 },
      { resource: 'secrets', kind: 'Secret', count: 60, bytes: 200_345 },
    ],
    artifacts: [
      { path: 'all-resources.yaml', bytes: 4_900_000, sha256: 'a'.repeat(64) },
      { path: 'SHA256SUMS', bytes: 120_000, sha256: `3f9c2b7a1e04${'b'.repeat(52)}` },
      { path: 'restore-order.txt', bytes: 30_000, sha256: 'c'.repeat(64) },
    ],
    warnings: [],
    verification: { state: 'passed', at: '2026-12-07T15:31:29.000Z', checks: ['checksums'], problems: [] },
    ...over,
  };
}

describe('backup messages', () => {
  it('sizes read as people read them', () => {
    expect([512, 1500, 830_000, 4_812_345, 12_300_000_000].map(sizeText)).toEqual([
      '512 B',
      '1.5 KB',
      '830 KB',
      '4.8 MB',
      '12 GB',
    ]);
  });

  it('a backup taken: one line with objects, size, time, short checksum and verified', () => {
    const message = backupTaken(manifest(), 'local folder', '/bosun');
    expectWithinSlackLimits(message);
    expect(message.text).toBe(
      'Backup 20261207-153045-k3qf of prod: 1,234 objects in 4 kinds, 4.8 MB, took 44s, sha256 3f9c2b7a1e04, verified',
    );
    expectGolden(import.meta.url, 'backup-taken', message);
    const partial = backupTaken(
      manifest({
        scope: {
          namespaces: ['shop'],
          excludedKinds: ['Pod'],
          secrets: 'excluded',
          secretsReason: 'left out with --no-secrets',
        },
        warnings: ['discovery of metrics.k8s.io/v1beta1: its resources are not in this backup'],
      }),
      'local folder',
      '/bosun',
    );
    expectGolden(import.meta.url, 'backup-taken-partial', partial);
  });

  it('backup list, newest first, and an empty one', () => {
    const older = manifest({ id: '20261206-020000-aaaa', startedAt: '2026-12-06T02:00:00.000Z' });
    const failed = manifest({
      id: '20261207-020000-bbbb',
      startedAt: '2026-12-07T02:00:00.000Z',
      verification: {
        state: 'failed',
        at: '2026-12-07T03:00:00.000Z',
        checks: ['checksums'],
        problems: ['x'],
      },
    });
    const message = backupList(
      'prod',
      [older, failed, manifest()],
      '/bosun',
      Date.parse('2026-12-07T16:00:00Z'),
    );
    expectWithinSlackLimits(message);
    const table = JSON.stringify(message.blocks);
    expect(table.indexOf('20261207-153045-k3qf')).toBeLessThan(table.indexOf('20261206-020000-aaaa'));
    expect(table).toContain('FAILED');
    expectGolden(import.meta.url, 'backup-list', message);
    expectGolden(import.meta.url, 'backup-list-empty', backupList('prod', [], '/bosun', 0));
  });

  it('backup show: kinds by count, artifacts with checksums, verification', () => {
    const message = backupDetails(manifest());
    expectWithinSlackLimits(message);
    expectGolden(import.meta.url, 'backup-show', message);
  });

  it('help for the backup group, and the group without a subcommand', () => {
    expectGolden(import.meta.url, 'help-backup', helpMessage(COMMANDS, '/bosun', 'backup'));
    expectGolden(import.meta.url, 'help-backup-now', helpMessage(COMMANDS, '/bosun', 'backup now'));
    const bare = parseCommand('backup');
    if (bare.ok) throw new Error('accepted');
    expectGolden(import.meta.url, 'usage-backup-group', usageMessage(bare.error, COMMANDS, '/bosun'));
  });
});
