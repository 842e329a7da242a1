import type { VerifyReport } from '../../src/backup/verify-backup.js';
import { backupVerified } from '../../src/messages/backup-verify-messages.js';
import type { BackupManifest } from '../../src/ports/backup-manifest.js';
import { expectGolden } from '../support/golden.js';
import { expectWithinSlackLimits } from '../support/slack-limits.js';

const manifest: BackupManifest = {
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
  kinds: [{ resource: 'configmaps', kind: 'ConfigMap', count: 1234, bytes: 4_812_345 }],
  artifacts: [],
  warnings: [],
  verification: {
    state: 'passed',
    at: '2026-12-08T09:00:00.000Z',
    checks: ['checksums', 'parse', 'dry-run'],
    problems: [],
  },
};

const report = (
  over: Partial<VerifyReport['dryRun']>,
  verification = manifest.verification,
): VerifyReport => ({
  manifest: { ...manifest, verification },
  files: 1234,
  dryRun: {
    restorable: 1100,
    tried: 1100,
    sampled: false,
    created: 100,
    alreadyExist: 1000,
    namespaceMissing: 0,
    failed: 0,
    ...over,
  },
});

describe('backup verify messages', () => {
  it('a backup that passed: what was checked, in one message', () => {
    const message = backupVerified(report({}));
    expectWithinSlackLimits(message);
    expect(message.text).toBe(
      'Backup 20261207-153045-k3qf of prod passed verification (checksums, parse, dry-run)',
    );
    expectGolden(import.meta.url, 'backup-verify-passed', message);
  });

  it('a large backup dry-run on a sample says so', () => {
    const message = backupVerified(
      report(
        { restorable: 48_000, tried: 2000, sampled: true, created: 0, alreadyExist: 2000 },
        {
          ...manifest.verification,
          notes: [
            'dry run of a sample: 2,000 of the 48,000 objects a restore creates (evenly spaced, at least one of each kind)',
          ],
        },
      ),
    );
    expect(JSON.stringify(message.blocks)).toContain('2,000 of 2,000 objects accepted (a sample of 48,000)');
    expectGolden(import.meta.url, 'backup-verify-sampled', message);
  });

  it('a drilled backup says what came back in the scratch cluster', () => {
    const message = backupVerified(
      report(
        {},
        {
          ...manifest.verification,
          checks: ['checksums', 'parse', 'dry-run', 'drill'],
          notes: [
            'restore drill: 1,100 objects restored into a scratch cluster at v1.31.4 and found there, 134 skipped as a restore skips them',
          ],
        },
      ),
    );
    expectWithinSlackLimits(message);
    expect(message.text).toBe(
      'Backup 20261207-153045-k3qf of prod passed verification (checksums, parse, dry-run, drill)',
    );
    expect(JSON.stringify(message.blocks)).toContain(
      'Restore drill: 1,100 objects restored into a scratch cluster at v1.31.4 and found there, 134 skipped as a restore skips them.',
    );
    expectGolden(import.meta.url, 'backup-verify-drilled', message);
  });

  it('a backup that failed: each problem with its file, and that it is not latest', () => {
    const problems = [
      'shop/configmaps/settings.yaml does not match its checksum in SHA256SUMS',
      'shop/secrets/db.yaml is missing',
      'shop/widgets.bosun.dev/w1.yaml: the cluster has no CustomResourceDefinition widgets.bosun.dev (it is in this backup; a restore creates it first)',
      ...Array.from(
        { length: 20 },
        (_, i) => `shop/configmaps/c${i}.yaml: Invalid: metadata.name: Invalid value`,
      ),
    ];
    const message = backupVerified(
      report({ failed: 21, created: 79 }, { ...manifest.verification, state: 'failed', problems }),
    );
    expectWithinSlackLimits(message);
    expect(message.text).toBe(
      'Backup 20261207-153045-k3qf of prod FAILED verification: shop/configmaps/settings.yaml does not match its checksum in SHA256SUMS',
    );
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('It is not used as `latest`.');
    expect(shown).toContain("… and 8 more, in the backup's manifest.json");
    expectGolden(import.meta.url, 'backup-verify-failed', message);
  });
});
