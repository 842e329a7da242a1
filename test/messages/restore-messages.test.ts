import {
  type RestoreLine,
  type RestoreView,
  restoreCounts,
  restorePreviewSections,
  restoreProgressDetail,
  restoreReport,
  restoreResumedMessage,
  restoreStoppedMessage,
  restoreSummaryLine,
} from '../../src/messages/restore-messages.js';
import { expectGolden } from '../support/golden.js';
import { expectWithinSlackLimits } from '../support/slack-limits.js';

const SHORT: RestoreLine[] = [
  { kind: 'namespaces', name: 'billing', outcome: 'created' },
  {
    kind: 'serviceaccounts',
    namespace: 'billing',
    name: 'default',
    outcome: 'skipped',
    reason: 'the cluster makes it in every namespace',
  },
  { kind: 'secrets', namespace: 'billing', name: 'db', outcome: 'created' },
  {
    kind: 'configmaps',
    namespace: 'billing',
    name: 'kube-root-ca.crt',
    outcome: 'skipped',
    reason: 'the cluster makes it in every namespace',
  },
  { kind: 'configmaps', namespace: 'billing', name: 'rates', outcome: 'replaced' },
  {
    kind: 'pods',
    namespace: 'billing',
    name: 'api-5d9c-x1',
    outcome: 'skipped',
    reason: 'owned by ReplicaSet api-5d9c, which makes it again',
  },
  {
    kind: 'replicasets.apps',
    namespace: 'billing',
    name: 'api-5d9c',
    outcome: 'skipped',
    reason: 'owned by Deployment api, which makes it again',
  },
  {
    kind: 'services',
    namespace: 'billing',
    name: 'front',
    outcome: 'failed',
    reason:
      'Service "front" is invalid: spec.ports[0].nodePort: Invalid value: 30111: provided port is already allocated',
  },
  { kind: 'deployments.apps', namespace: 'billing', name: 'api', outcome: 'created' },
];

const view = (over: Partial<RestoreView> = {}): RestoreView => ({
  cluster: 'prod',
  backupId: '20261207-153045-k3qf',
  dryRun: false,
  scope: 'namespace billing',
  lines: SHORT,
  ...over,
});

describe('restore messages', () => {
  it('the card line counts every object once', () => {
    expect(restoreCounts(SHORT)).toEqual({ created: 3, replaced: 1, skipped: 4, failed: 1 });
    expect(restoreSummaryLine(view())).toBe(
      'backup 20261207-153045-k3qf restored: 3 created, 1 replaced, 4 skipped, 1 failed',
    );
    expect(restoreSummaryLine(view({ dryRun: true }))).toBe(
      "dry run of backup 20261207-153045-k3qf: 3 to create, 1 to replace, 4 skipped, 1 refused by the API server's dry run; nothing changed",
    );
  });

  it('a short report: counts per kind, the failure in the API server’s words, why objects were skipped, every object inline', () => {
    const { message, attachment } = restoreReport(view({ resumed: 1 }));
    expect(attachment).toBeUndefined();
    expectWithinSlackLimits(message);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('provided port is already allocated');
    expect(shown).toContain('2 objects: owned by a controller, which makes it again');
    expect(shown).toContain('It was resumed 1 time by another worker.');
    expectGolden(import.meta.url, 'restore-report', message);
  });

  it('a dry run says what would be created, replaced or skipped, per kind, and that nothing changed', () => {
    const { message } = restoreReport(
      view({ dryRun: true, lines: SHORT.filter((l) => l.outcome !== 'failed') }),
    );
    expectWithinSlackLimits(message);
    expect(message.text).toContain('(dry run)');
    expect(JSON.stringify(message.blocks)).toContain('Nothing was changed.');
    expectGolden(import.meta.url, 'restore-dry-run', message);
  });

  it('a long report is summarized, with every object in an attached file', () => {
    const lines: RestoreLine[] = Array.from({ length: 2000 }, (_, i) => ({
      kind: 'configmaps',
      namespace: 'load',
      name: `cm-${String(i).padStart(4, '0')}`,
      outcome: 'created',
    }));
    const { message, attachment } = restoreReport(view({ scope: 'namespace load', lines }));
    expectWithinSlackLimits(message);
    expect(attachment?.content.trim().split('\n')).toHaveLength(2001);
    expect(attachment?.filename).toBe('restore-20261207-153045-k3qf.txt');
    expect(attachment?.title).toBe('Restore of 20261207-153045-k3qf: every object and its outcome');
    expectGolden(import.meta.url, 'restore-report-long', message);
  });

  it('the approval preview, the progress line and the resumed notice', () => {
    const sections = restorePreviewSections(
      view({
        scope: 'namespace billing into billing-copy',
        lines: SHORT.filter((l) => l.outcome !== 'failed'),
      }),
    );
    expectGolden(import.meta.url, 'restore-preview', { sections });
    expect(restoreProgressDetail({ done: 120, total: 2000, failed: 0, key: 'configmaps' })).toBe(
      'Restoring: 120 of 2,000 objects done (configmaps)',
    );
    const stopped = restoreStoppedMessage(
      { done: 120, total: 2000, created: 118, replaced: 2, failed: 0 },
      'r-abc123def456',
    );
    expectWithinSlackLimits(stopped);
    expectGolden(import.meta.url, 'restore-stopped', stopped);
    const resumed = restoreResumedMessage(57);
    expectWithinSlackLimits(resumed);
    expect(resumed.text).toBe(
      'Resumed by another worker: 57 objects were written before; continuing with the rest. What is written is not written again.',
    );
  });
});
