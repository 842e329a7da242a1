import { cordonAnswer } from '../../src/messages/cordon-result.js';
import { drainDecisionMessage, stuckChoiceLine, stuckEndedLine } from '../../src/messages/drain-decision.js';
import { lockRefusalMessage } from '../../src/messages/drain-lock-refusal.js';
import {
  drainPreviewMessage,
  drainPreviewSections,
  drainPreviewSummary,
} from '../../src/messages/drain-preview.js';
import { drainProgressDetail } from '../../src/messages/drain-progress.js';
import { drainResumedMessage } from '../../src/messages/drain-resumed.js';
import { drainRefusedMessage, drainStartedMessage } from '../../src/messages/drain-started.js';
import { drainStuckMessage } from '../../src/messages/drain-stuck.js';
import {
  drainReplacementsWaiting,
  drainSummary,
  drainSummaryLine,
} from '../../src/messages/drain-summary.js';
import { drainRefusalWords } from '../../src/messages/drain-words.js';
import {
  maintainReadyMessage,
  maintenanceDoneLine,
  maintenanceDoneNotApplicable,
} from '../../src/messages/maintain-ready.js';
import { maintainReportMessage } from '../../src/messages/maintain-report.js';
import { requestCard } from '../../src/messages/request-card.js';
import { drainProgress } from '../../src/ops/drain/drain-progress.js';
import type { DrainedPod, DrainState, NodeDrain } from '../../src/ops/drain/drain-state.js';
import type { StuckPod } from '../../src/ops/drain/stuck-pod.js';
import type { DrainPreview } from '../../src/ops/preview/drain-preview.js';
import { expectGolden } from '../support/golden.js';
import { expectWithinSlackLimits } from '../support/slack-limits.js';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const REQUEST = 'r-abcdefgh2345';

const pod = (i: number, extra: Partial<DrainedPod> = {}): DrainedPod => ({
  namespace: 'shop',
  name: `web-5d9c7b-${String(i).padStart(5, 'x')}`,
  uid: `uid-${i}`,
  owner: 'ReplicaSet/web-5d9c7b',
  ownerUid: 'rs-1',
  state: 'gone',
  refusals: 0,
  evictedAt: T0 + 1000,
  goneAt: T0 + 9000,
  ...extra,
});

const drained = (pods: DrainedPod[], extra: Partial<NodeDrain> = {}): NodeDrain => ({
  node: 'worker-1',
  wasSchedulable: true,
  cordonedAt: T0,
  selected: true,
  pods,
  warnings: [{ message: 'ignoring DaemonSet-managed Pods', pods: ['monitoring/node-exporter-abcde'] }],
  errors: [],
  skippedSilently: 0,
  startedAt: T0,
  finishedAt: T0 + 42_000,
  outcome: 'drained',
  ...extra,
});

const state = (nodes: NodeDrain[], extra: Partial<DrainState> = {}): DrainState => ({
  v: 1,
  startedAt: T0,
  runs: 1,
  nodes,
  ...extra,
});

describe('drain messages', () => {
  it('progress detail on the card: every pod counted once, the counts adding up to the total', () => {
    // 5 pods: 3 gone, 1 evicted and still terminating, 1 pending that its budget refused.
    const running = drained(
      [
        pod(1),
        pod(2),
        pod(3),
        pod(4, { state: 'evicted', goneAt: undefined }),
        pod(5, { state: 'pending', evictedAt: undefined, goneAt: undefined, refusals: 2 }),
      ],
      { finishedAt: undefined, outcome: undefined },
    );
    const progress = drainProgress(running, 1, 1, 1);
    expect(drainProgressDetail(progress)).toBe('worker-1: 3/5 evicted · 1 terminating · 1 blocked');
    const { node: _n, nodeIndex: _i, nodeCount: _c, total, ...counts } = progress;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(total);

    // Of two nodes, the first; one pod waiting for its eviction's answer, one left on the node, one timed out.
    const second = drained(
      [
        pod(1),
        pod(2, { state: 'pending', evictedAt: undefined, goneAt: undefined }),
        pod(3, { state: 'skipped', goneAt: undefined }),
        pod(4, { state: 'timed-out', goneAt: undefined }),
      ],
      { finishedAt: undefined, outcome: undefined },
    );
    expect(drainProgressDetail(drainProgress(second, 1, 2, 0))).toBe(
      'worker-1 (1/2): 1/4 evicted · 1 waiting · 1 skipped · 1 failed',
    );
  });

  it('drain started and refused', () => {
    const started = drainStartedMessage(
      drained([pod(1), pod(2), pod(3, { owner: 'StatefulSet/db', ownerUid: 'ss' })]),
    );
    expectGolden(import.meta.url, 'drain-started', started);
    const refused = drainRefusedMessage(
      drained([], {
        outcome: 'refused',
        errors: [
          {
            message: 'cannot delete Pods that declare no controller (use --force to override)',
            pods: ['default/debug'],
          },
          {
            message: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)',
            pods: ['shop/api-6c8d9-qwert', 'shop/api-6c8d9-asdfg'],
          },
        ],
      }),
    );
    expectGolden(import.meta.url, 'drain-refused', refused);
    expectWithinSlackLimits(refused);
  });

  it('stuck pod explanation with its four buttons', () => {
    const stuckPod: StuckPod = {
      node: 'worker-20',
      pod: { namespace: 'payments', name: 'ledger-7f9-abcde' },
      blockedForMs: 61_000,
      message:
        "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ledger-pdb needs 3 healthy pods and has 3 currently",
      budget: {
        namespace: 'payments',
        name: 'ledger-pdb',
        maxUnavailable: 0,
        currentHealthy: 3,
        desiredHealthy: 3,
        expectedPods: 3,
        disruptionsAllowed: 0,
      },
      notReady: [],
    };
    const message = drainStuckMessage(REQUEST, stuckPod);
    expectGolden(import.meta.url, 'drain-stuck', message);
    expectWithinSlackLimits(message);
    // Once decided, the buttons give way to who chose what.
    const decided = drainStuckMessage(REQUEST, stuckPod, stuckChoiceLine('UBOB', 'skip-pod', T0 + 90_000));
    expectGolden(import.meta.url, 'drain-stuck-resolved', decided);
    expect(JSON.stringify(decided.blocks)).not.toContain('"actions"');
    expect(JSON.stringify(decided.blocks)).toContain('<@UBOB> chose *Skip this pod* <!date^');
    expect(stuckEndedLine('worker-20', 'drained', T0)).toMatch(
      /^The drain of \*worker-20\* ended <!date\^\d+.* \(drained\)\.$/,
    );
    expect(JSON.stringify(message.blocks)).toContain('still allows no disruption: waiting will not help');
  });

  it('stuck pod explanation names the pod that is not Ready and why', () => {
    const message = drainStuckMessage(REQUEST, {
      node: 'worker-1',
      pod: { namespace: 'payments', name: 'ledger-7f9-abcde' },
      blockedForMs: 61_000,
      message:
        "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ledger-pdb needs 2 healthy pods and has 2 currently",
      budget: {
        namespace: 'payments',
        name: 'ledger-pdb',
        minAvailable: 2,
        currentHealthy: 2,
        desiredHealthy: 2,
        expectedPods: 3,
        disruptionsAllowed: 0,
      },
      notReady: [
        {
          namespace: 'payments',
          name: 'ledger-7f9-zzzzz',
          phase: 'Pending',
          ready: false,
          why: 'Pending: 0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) were unschedulable.',
        },
      ],
    });
    expectGolden(import.meta.url, 'drain-stuck-not-ready', message);
    expectWithinSlackLimits(message);
    expect(JSON.stringify(message.blocks)).toContain(
      '*Why:* a pod of the budget is not Ready, so it cannot spare another until it is:\\n• `payments/ledger-7f9-zzzzz`: Pending: 0/4 nodes are available',
    );
  });

  it('summary inline for a short drain, as a file for a long one', () => {
    const short = drainSummary(
      state([
        drained([
          pod(1),
          pod(2, { state: 'skipped', by: 'UBOB', evictedAt: undefined, goneAt: undefined }),
          pod(3, { state: 'gone', by: 'UALICE', reason: 'deleted ignoring its disruption budget' }),
        ]),
      ]),
      T0 + 45_000,
      [
        {
          namespace: 'shop',
          owner: 'ReplicaSet/web-5d9c7b',
          evicted: 2,
          replacements: [
            { namespace: 'shop', name: 'web-5d9c7b-new02', node: 'worker-3', phase: 'Running', ready: true },
            { namespace: 'shop', name: 'web-5d9c7b-new01', node: 'worker-2', phase: 'Running', ready: true },
          ],
        },
      ],
    );
    expect(short.attachment).toBeUndefined();
    expectGolden(import.meta.url, 'drain-summary-short', short.message);
    // One node drained: one duration, no NODE column.
    const shown = JSON.stringify(short.message.blocks);
    expect(shown).toContain('2/2 replacements Ready: worker-2 (1), worker-3 (1)');
    expect(shown).not.toContain('NODE');
    expect(shown.match(/\d+\.\ds/g)).toEqual(['45.0s']);

    const twoNodes = drainSummary(
      state([
        drained([pod(1)]),
        drained([pod(4, { owner: 'StatefulSet/db', ownerUid: 'ss' })], { node: 'worker-2' }),
      ]),
      T0 + 80_000,
      [
        {
          namespace: 'shop',
          owner: 'ReplicaSet/web-5d9c7b',
          evicted: 1,
          replacements: [
            { namespace: 'shop', name: 'web-5d9c7b-new01', node: 'worker-3', phase: 'Running', ready: true },
          ],
        },
        {
          namespace: 'shop',
          owner: 'StatefulSet/db',
          evicted: 1,
          replacements: [
            {
              namespace: 'shop',
              name: 'db-0',
              phase: 'Pending',
              ready: false,
              why: 'Pending: 0/3 nodes are available: 1 Insufficient memory, 2 node(s) were unschedulable.',
            },
          ],
        },
      ],
    );
    expectGolden(import.meta.url, 'drain-summary-replacements', twoNodes.message);
    expect(drainReplacementsWaiting(['worker-1'], 29_500)).toBe(
      'worker-1 drained; waiting up to 29.5s for the replacements to be Ready',
    );
    const both = JSON.stringify(twoNodes.message.blocks);
    expect(both).toContain('0/1 replacements Ready · not Ready: `db-0`: Pending: 0/3 nodes are available');
    expect(both).toContain('NODE');
    expect(both).toContain('2 nodes in 1m20s.');
    expect(both).not.toMatch(/drained in|not fully drained in/);

    const many = Array.from({ length: 120 }, (_, i) => pod(i));
    const failed = drained(
      [
        ...many,
        pod(999, {
          state: 'timed-out',
          evictedAt: undefined,
          reason: 'error when evicting pods/"ledger-1" -n "payments": global timeout reached: 600s',
        }),
      ],
      { outcome: 'failed', finishedAt: T0 + 600_000 },
    );
    const long = drainSummary(state([failed], { runs: 2 }), T0 + 601_000);
    expect(long.attachment?.content.split('\n').length).toBe(123);
    expectGolden(import.meta.url, 'drain-summary-long', long.message);
    expectWithinSlackLimits(long.message);
    expect(drainSummaryLine(state([failed]), T0 + 601_000)).toBe(
      'worker-1 failed; 120 of 121 pods evicted in 10m1s',
    );
  });

  it('cancelled and aborted summaries say what became of the node', () => {
    const cancelled = drainSummary(
      state([
        drained([pod(1), pod(2, { state: 'stopped', evictedAt: undefined })], { outcome: 'cancelled' }),
      ]),
      T0 + 20_000,
    );
    expectGolden(import.meta.url, 'drain-summary-cancelled', cancelled.message);
    const aborted = drainSummary(
      state([drained([pod(1, { state: 'stopped', evictedAt: undefined })], { outcome: 'aborted' })], {
        abortedBy: 'UBOB',
      }),
      T0 + 20_000,
    );
    expectGolden(import.meta.url, 'drain-summary-aborted', aborted.message);
  });

  it('preview for --dry-run and for the approval card', () => {
    const preview: DrainPreview = {
      evicting: 5,
      nodes: [
        {
          node: 'worker-1',
          alreadyCordoned: false,
          groups: [
            {
              namespace: 'shop',
              owner: 'ReplicaSet/web-5d9c7b',
              pods: ['web-5d9c7b-aaaaa', 'web-5d9c7b-bbbbb'],
            },
            { namespace: 'data', owner: 'StatefulSet/postgres', pods: ['postgres-1'] },
            {
              namespace: 'payments',
              owner: 'ReplicaSet/ledger-7f9',
              pods: ['ledger-7f9-abcde', 'ledger-7f9-fghij'],
            },
          ],
          warnings: [{ message: 'ignoring DaemonSet-managed Pods', pods: ['monitoring/node-exporter-x'] }],
          errors: [],
        },
      ],
      budgets: [
        {
          namespace: 'payments',
          name: 'ledger-pdb',
          maxUnavailable: 0,
          currentHealthy: 3,
          desiredHealthy: 3,
          disruptionsAllowed: 0,
          evicting: 2,
          effect: 'blocks',
        },
        {
          namespace: 'shop',
          name: 'web-pdb',
          maxUnavailable: 1,
          currentHealthy: 3,
          desiredHealthy: 2,
          disruptionsAllowed: 1,
          evicting: 2,
          effect: 'serializes',
        },
      ],
      room: {
        fits: true,
        pods: 5,
        nodes: ['worker-2', 'worker-3'],
        requested: { cpuMillis: 1700, memoryBytes: 3 * 2 ** 30 },
        free: { cpuMillis: 12_000, memoryBytes: 40 * 2 ** 30 },
        unplaced: [],
        stranded: [],
      },
    };
    expectGolden(import.meta.url, 'drain-preview-sections', drainPreviewSections(preview));
    const message = drainPreviewMessage(preview);
    expectGolden(import.meta.url, 'drain-preview', message);
    expectWithinSlackLimits(message);
  });

  describe('the room line of a preview whose replacements cannot all be placed', () => {
    const preview = (room: DrainPreview['room']): DrainPreview => ({
      evicting: room.pods,
      nodes: [
        {
          node: 'worker-1',
          alreadyCordoned: false,
          groups: [
            {
              namespace: 'shop',
              owner: 'ReplicaSet/web-5d9c7b',
              pods: ['web-5d9c7b-aaaaa', 'web-5d9c7b-bbbbb'],
            },
            { namespace: 'data', owner: 'StatefulSet/postgres', pods: ['postgres-1'] },
          ],
          warnings: [],
          errors: [],
        },
      ],
      budgets: [],
      room,
    });
    /** The text of the preview's room section, as Slack shows it. */
    const roomLine = (message: ReturnType<typeof drainPreviewMessage>) =>
      (message.blocks ?? [])
        .map((block) => (block.text as { text?: string } | undefined)?.text)
        .find((text) => text?.startsWith('*Room*'));

    it('no node may take them: the reason, nodes counted by why, instead of CPU arithmetic', () => {
      const message = drainPreviewMessage(
        preview({
          fits: false,
          pods: 3,
          nodes: [],
          requested: { cpuMillis: 0, memoryBytes: 0 },
          free: { cpuMillis: 0, memoryBytes: 0 },
          unplaced: [],
          stranded: [
            {
              pods: ['shop/web-5d9c7b-aaaaa', 'shop/web-5d9c7b-bbbbb', 'data/postgres-1'],
              excluded: [
                { exclusion: { reason: 'being-drained' }, nodes: ['worker-1'] },
                { exclusion: { reason: 'cordoned' }, nodes: ['worker-2', 'worker-3'] },
                { exclusion: { reason: 'not-ready' }, nodes: ['worker-4'] },
                {
                  exclusion: { reason: 'tainted', taint: 'node-role.kubernetes.io/control-plane' },
                  nodes: ['control-plane-1'],
                },
              ],
            },
          ],
        }),
      );
      expectGolden(import.meta.url, 'drain-preview-room-nowhere', message);
      expectWithinSlackLimits(message);
      expect(roomLine(message)).toBe(
        '*Room*: :warning: no schedulable node for the 3 replacement pods: 1 being drained, 2 cordoned, 1 not Ready, 1 tainted node-role.kubernetes.io/control-plane. They would stay Pending.',
      );
    });

    it('some have nowhere to go, some no room: each named, the arithmetic over the nodes they may use', () => {
      const message = drainPreviewMessage(
        preview({
          fits: false,
          pods: 3,
          nodes: ['worker-2', 'worker-3'],
          requested: { cpuMillis: 1600, memoryBytes: 2 * 2 ** 30 },
          free: { cpuMillis: 900, memoryBytes: 6 * 2 ** 30 },
          unplaced: ['shop/web-5d9c7b-bbbbb'],
          stranded: [
            {
              pods: ['data/postgres-1'],
              excluded: [
                { exclusion: { reason: 'being-drained' }, nodes: ['worker-1'] },
                { exclusion: { reason: 'tainted', taint: 'dedicated=gpu' }, nodes: ['gpu-1'] },
                { exclusion: { reason: 'no-match' }, nodes: ['worker-2', 'worker-3'] },
              ],
            },
          ],
        }),
      );
      expectGolden(import.meta.url, 'drain-preview-room-mixed', message);
      expectWithinSlackLimits(message);
      expect(roomLine(message)).toBe(
        '*Room*: :warning: 2 of the 3 replacement pods would stay Pending:\n' +
          '• no schedulable node for data/postgres-1: 1 being drained, 1 tainted dedicated=gpu, 2 not matching the node selector/affinity\n' +
          '• not enough room by requests: 1.6 CPU, 2.0Gi requested, 0.9 CPU, 6.0Gi free on 2 nodes they may use; no place for shop/web-5d9c7b-bbbbb',
      );
    });

    it('one pod has nowhere to go and the others fit: that pod named, the others said to fit', () => {
      const message = drainPreviewMessage(
        preview({
          fits: false,
          pods: 3,
          nodes: ['worker-2'],
          requested: { cpuMillis: 1600, memoryBytes: 2 * 2 ** 30 },
          free: { cpuMillis: 3000, memoryBytes: 6 * 2 ** 30 },
          unplaced: [],
          stranded: [
            {
              pods: ['data/postgres-1'],
              excluded: [
                { exclusion: { reason: 'being-drained' }, nodes: ['worker-1'] },
                { exclusion: { reason: 'no-match' }, nodes: ['worker-2'] },
              ],
            },
          ],
        }),
      );
      expect(roomLine(message)).toBe(
        '*Room*: :warning: no schedulable node for data/postgres-1: 1 being drained, 1 not matching the node selector/affinity. It would stay Pending. The other 2 fit.',
      );
    });
  });

  it('a refused drain: the dry run says so, and the summary names why instead of "0 of 0 pods evicted"', () => {
    const errors = [
      {
        message: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)',
        pods: ['shop/api-848db-aaaaa', 'shop/api-848db-bbbbb'],
      },
      {
        message: 'cannot delete Pods that declare no controller (use --force to override)',
        pods: ['shop/debug'],
      },
    ];
    const preview: DrainPreview = {
      evicting: 0,
      nodes: [{ node: 'worker-3', alreadyCordoned: false, groups: [], warnings: [], errors }],
      budgets: [],
      room: {
        fits: true,
        pods: 0,
        nodes: [],
        requested: { cpuMillis: 0, memoryBytes: 0 },
        free: { cpuMillis: 0, memoryBytes: 0 },
        unplaced: [],
        stranded: [],
      },
    };
    const message = drainPreviewMessage(preview);
    expectGolden(import.meta.url, 'drain-preview-refused', message);
    expectWithinSlackLimits(message);
    expect(drainPreviewSummary(preview)).toBe(
      'dry run: the drain would be refused without --delete-emptydir-data and --force; nothing changed',
    );
    const refused = drained([], { node: 'worker-3', errors, outcome: 'refused' });
    expect(drainSummaryLine(state([refused]), T0 + 2_000)).toBe(
      'worker-3 cannot be drained as asked: Pods with local storage (shop/api-848db-aaaaa, shop/api-848db-bbbbb); Pods that declare no controller (shop/debug); nothing evicted in 2.0s',
    );
    expect(drainRefusalWords([refused]).hint).toBe(
      'Add `--delete-emptydir-data` (their emptyDir data is lost) and `--force` (pods without a controller are not recreated) to drain anyway, or move those pods first.',
    );
  });

  it('lock refusal, decisions, resume, cordon', () => {
    expectGolden(
      import.meta.url,
      'drain-lock-refusal',
      lockRefusalMessage(
        { requestId: 'r-zzzzzzzzzzzz', operation: 'drain' },
        { kind: 'node', cluster: 'prod', node: 'worker-1' },
        'https://slack.example/archives/COPS/p1700000000000100',
      ),
    );
    expectGolden(
      import.meta.url,
      'drain-lock-refusal-lease',
      lockRefusalMessage(
        {
          requestId: 'r-yyyyyyyyyyyy',
          operation: 'drain',
          elsewhere: {
            lease: 'kube-system/bosun-node-worker-1',
            holder: 'bosun-staging/r-yyyyyyyyyyyy',
            until: Date.UTC(2026, 11, 6, 20, 15),
          },
        },
        { kind: 'node', cluster: 'prod', node: 'worker-1' },
        undefined,
      ),
    );
    expectGolden(
      import.meta.url,
      'drain-decision',
      drainDecisionMessage(
        { kind: 'skip-pod', pod: { namespace: 'shop', name: 'web-1' }, by: 'UBOB' },
        { kind: 'skipped', pod: { namespace: 'shop', name: 'web-1' } },
      ),
    );
    const web1 = { namespace: 'shop', name: 'web-1' };
    const deleteWeb1 = { kind: 'delete-pod', pod: web1, by: 'UALICE' } as const;
    expectGolden(import.meta.url, 'drain-decision-effects', [
      drainDecisionMessage({ kind: 'abort', by: 'UALICE' }, { kind: 'aborting' }),
      drainDecisionMessage({ ...deleteWeb1, kind: 'keep-waiting' }, { kind: 'kept-waiting', pod: web1 }),
      drainDecisionMessage(deleteWeb1, { kind: 'deleted', pod: web1 }),
      drainDecisionMessage(deleteWeb1, { kind: 'not-in-drain', pod: web1 }),
      drainDecisionMessage(deleteWeb1, { kind: 'already-final', pod: web1, state: 'evicted' }),
      drainDecisionMessage(deleteWeb1, { kind: 'no-node-draining', pod: web1 }),
      drainDecisionMessage(deleteWeb1, { kind: 'failed', pod: web1, error: 'pods "web-1" is forbidden' }),
    ]);
    expectGolden(
      import.meta.url,
      'drain-resumed',
      drainResumedMessage(
        state([drained([pod(1), pod(2, { state: 'pending', evictedAt: undefined })])], { runs: 2 }),
      ),
    );
    // A cordon is one message: its card says what kubectl said and what it means, and points to no thread.
    const cordonCard = requestCard({
      requestId: 'r-cordon000001',
      text: 'cordon worker-1 worker-2',
      slash: '/bosun',
      user: 'UALICE',
      cluster: 'prod',
      state: 'succeeded',
      detail: 'worker-1 cordoned, worker-2 already cordoned',
      answer: cordonAnswer(
        [
          { node: 'worker-1', line: 'node/worker-1 cordoned', changed: true },
          { node: 'worker-2', line: 'node/worker-2 already cordoned', changed: false },
        ],
        true,
      )?.blocks,
      thread: false,
    });
    expect(JSON.stringify(cordonCard.blocks)).not.toContain('thread');
    expectGolden(import.meta.url, 'cordon-card', cordonCard);
    expect(
      cordonAnswer([{ node: 'worker-2', line: 'node/worker-2 already cordoned', changed: false }], true),
    ).toBeUndefined();
  });

  it('maintenance: ready for it, then the report', () => {
    const drainState = state([drained([pod(1), pod(2)])]);
    const maintain = {
      v: 1 as const,
      node: 'worker-1',
      phase: 'done' as const,
      startedAt: T0,
      drain: drainState,
      announcedAt: T0 + 42_000,
      doneAt: T0 + 42_000 + 15 * 60_000,
      doneBy: 'UALICE',
      readyAt: T0 + 42_000 + 17 * 60_000,
      uncordonedAt: T0 + 42_000 + 17 * 60_000,
    };
    expectGolden(
      import.meta.url,
      'maintain-ready',
      maintainReadyMessage(REQUEST, { ...maintain, doneBy: undefined, doneAt: undefined }, 'kernel update'),
    );
    // Once pressed, or once the maintenance ended otherwise, the button gives way to what happened.
    expectGolden(
      import.meta.url,
      'maintain-ready-pressed',
      maintainReadyMessage(REQUEST, maintain, 'kernel update'),
    );
    expectGolden(
      import.meta.url,
      'maintain-ready-ended',
      maintainReadyMessage(
        REQUEST,
        { ...maintain, doneBy: undefined, doneAt: undefined },
        'kernel update',
        'the maintenance was cancelled; the node stays cordoned',
      ),
    );
    expectGolden(import.meta.url, 'maintenance-done-line', maintenanceDoneLine('worker-1', 'UALICE'));
    expectGolden(
      import.meta.url,
      'maintenance-done-not-applicable',
      maintenanceDoneNotApplicable(REQUEST, 'drain'),
    );
    expectGolden(
      import.meta.url,
      'maintain-report',
      maintainReportMessage(
        {
          state: maintain,
          replacements: [
            {
              namespace: 'shop',
              owner: 'ReplicaSet/web-5d9c7b',
              evicted: 2,
              replacements: [
                {
                  namespace: 'shop',
                  name: 'web-5d9c7b-new01',
                  node: 'worker-3',
                  phase: 'Running',
                  ready: true,
                },
                {
                  namespace: 'shop',
                  name: 'web-5d9c7b-new02',
                  node: 'worker-2',
                  phase: 'Running',
                  ready: true,
                },
              ],
            },
          ],
        },
        T0 + 42_000 + 17 * 60_000 + 500,
      ),
    );
  });
});
