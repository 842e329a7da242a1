import type { DrainedPod, NodeDrain } from '../../../src/ops/drain/drain-state.js';
import { allReady, awaitReplacements, replacementsOf } from '../../../src/ops/drain/replacements.js';
import type { PodInventory, PodSummary } from '../../../src/ports/pod-inventory.js';
import { ManualClock } from '../fakes/manual-clock.js';

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);

const live = (name: string, extra: Partial<PodSummary> = {}): PodSummary => ({
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  nodeName: 'worker-2',
  phase: 'Running',
  ready: true,
  labels: {},
  mirror: false,
  controller: { kind: 'ReplicaSet', name: 'web-5d9c7b', uid: 'rs-web' },
  emptyDirVolumes: [],
  terminationGracePeriodSeconds: 30,
  requests: { cpuMillis: 100, memoryBytes: 0 },
  tolerations: [],
  nodeSelector: {},
  createdAt: T0 + 5000,
  ...extra,
});

const gone = (name: string, extra: Partial<DrainedPod> = {}): DrainedPod => ({
  namespace: 'shop',
  name,
  uid: `uid-${name}`,
  owner: 'ReplicaSet/web-5d9c7b',
  ownerUid: 'rs-web',
  state: 'gone',
  refusals: 0,
  sentAt: T0 + 1000,
  evictedAt: T0 + 1000,
  goneAt: T0 + 9000,
  ...extra,
});

const node = (pods: DrainedPod[]): NodeDrain => ({
  node: 'worker-1',
  selected: true,
  pods,
  warnings: [],
  errors: [],
  skippedSilently: 0,
  outcome: 'drained',
});

describe('replacementsOf', () => {
  it('counts the pods made since the eviction, elsewhere, and not the ones that were there before', () => {
    const owners = replacementsOf(
      [node([gone('web-a'), gone('web-b')])],
      [
        live('web-old', { nodeName: 'worker-3', createdAt: T0 - 3_600_000 }),
        live('web-c', { nodeName: 'worker-2' }),
        live('web-d', { nodeName: 'worker-3', createdAt: T0 + 6000 }),
        // Someone else's pod, and a pod of the same owner on its way out.
        live('api-x', { controller: { kind: 'ReplicaSet', name: 'api-1', uid: 'rs-api' } }),
        live('web-e', { deletionTimestamp: T0 + 60_000 }),
      ],
    );
    expect(owners).toEqual([
      {
        namespace: 'shop',
        owner: 'ReplicaSet/web-5d9c7b',
        evicted: 2,
        replacements: [
          { namespace: 'shop', name: 'web-d', node: 'worker-3', phase: 'Running', ready: true },
          { namespace: 'shop', name: 'web-c', node: 'worker-2', phase: 'Running', ready: true },
        ],
      },
    ]);
    expect(allReady(owners)).toBe(true);
  });

  it("says why a replacement does not serve: the scheduler's words, or a container's waiting reason", () => {
    const owners = replacementsOf(
      [
        node([
          gone('web-a'),
          gone('db-0', { owner: 'StatefulSet/db', ownerUid: 'ss-db', uid: 'uid-db-0-old' }),
          gone('bare', { owner: undefined, ownerUid: undefined }),
        ]),
      ],
      [
        live('web-c', { ready: false, phase: 'Pending', waiting: 'ContainerCreating' }),
        // A StatefulSet's replacement has its predecessor's name and a new uid.
        live('db-0', {
          uid: 'uid-db-0-new',
          nodeName: undefined,
          phase: 'Pending',
          ready: false,
          controller: { kind: 'StatefulSet', name: 'db', uid: 'ss-db' },
          unschedulable: '0/3 nodes are available: 1 Insufficient memory, 2 node(s) were unschedulable.',
        }),
      ],
    );
    expect(owners.map((o) => [o.owner, o.replacements.map((r) => r.why)])).toEqual([
      ['ReplicaSet/web-5d9c7b', ['ContainerCreating']],
      [
        'StatefulSet/db',
        ['Pending: 0/3 nodes are available: 1 Insufficient memory, 2 node(s) were unschedulable.'],
      ],
    ]);
    expect(allReady(owners)).toBe(false);
  });

  it('an owner whose replacement is not made yet has fewer replacements than pods evicted', () => {
    const [owner] = replacementsOf([node([gone('web-a'), gone('web-b')])], [live('web-c')]);
    expect(owner?.evicted).toBe(2);
    expect(owner?.replacements.map((r) => r.name)).toEqual(['web-c']);
  });
});

describe('awaitReplacements', () => {
  /** Pods as the cluster lists them, one answer per look; the last answer stays. */
  const listing = (...answers: PodSummary[][]): PodInventory & { looks: number } => {
    const inventory = {
      looks: 0,
      async listPods() {
        const answer = answers[Math.min(inventory.looks, answers.length - 1)] ?? [];
        inventory.looks += 1;
        return answer;
      },
      async daemonSet() {
        return { exists: true as const };
      },
    };
    return inventory;
  };
  const signal = new AbortController().signal;

  it('waits for a replacement still starting, says so once, and answers when it is Ready', async () => {
    const clock = new ManualClock(T0 + 10_000);
    const pods = listing(
      [live('web-c', { ready: false, phase: 'Pending', waiting: 'ContainerCreating' })],
      [live('web-c', { ready: false, phase: 'Running' })],
      [live('web-c')],
    );
    const waits: number[] = [];
    const owners = await clock.run(
      awaitReplacements(pods, [node([gone('web-a')])], clock, {
        signal,
        onWait: (_, ms) => void waits.push(ms),
      }),
    );
    expect(owners[0]?.replacements.map((r) => r.ready)).toEqual([true]);
    expect(waits).toEqual([30_000]);
    expect(pods.looks).toBe(3);
  });

  it('does not wait for a replacement the scheduler has no node for, nor past its bound', async () => {
    const clock = new ManualClock(T0 + 10_000);
    const unschedulable = listing([
      live('web-c', {
        ready: false,
        phase: 'Pending',
        nodeName: undefined,
        unschedulable: '0/3 nodes are available.',
      }),
    ]);
    const first = await clock.run(
      awaitReplacements(unschedulable, [node([gone('web-a')])], clock, { signal }),
    );
    expect(first[0]?.replacements[0]?.why).toBe('Pending: 0/3 nodes are available.');
    expect(unschedulable.looks).toBe(1);

    const starting = listing([live('web-c', { ready: false, phase: 'Running' })]);
    const started = clock.now();
    const bounded = await clock.run(
      awaitReplacements(starting, [node([gone('web-a')])], clock, { signal, waitMs: 5000 }),
    );
    expect(bounded[0]?.replacements[0]?.why).toBe('Running, not Ready yet');
    expect(clock.now() - started).toBe(5000);
  });

  it('says why a replacement is Pending in the words of its FailedScheduling Event, and stops waiting', async () => {
    const clock = new ManualClock(T0 + 10_000);
    const message =
      '0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) were unschedulable.';
    const asked: string[] = [];
    const inventory = {
      ...listing([live('web-c', { ready: false, phase: 'Pending', nodeName: undefined })]),
      async failedScheduling(pod: { namespace: string; name: string; uid: string }) {
        asked.push(`${pod.namespace}/${pod.name}/${pod.uid}`);
        return message;
      },
    };
    const owners = await clock.run(awaitReplacements(inventory, [node([gone('web-a')])], clock, { signal }));
    expect(owners[0]?.replacements[0]?.why).toBe(`Pending: ${message}`);
    expect(asked).toEqual(['shop/web-c/uid-web-c']);
    // Without the Event the same pod is only "not scheduled yet", and the drain waits out its bound.
    const started = clock.now();
    const silent = await clock.run(
      awaitReplacements(
        listing([live('web-c', { ready: false, phase: 'Pending', nodeName: undefined })]),
        [node([gone('web-a')])],
        clock,
        { signal, waitMs: 3000 },
      ),
    );
    expect(silent[0]?.replacements[0]?.why).toBe('Pending, not scheduled yet');
    expect(clock.now() - started).toBe(3000);
  });
});
