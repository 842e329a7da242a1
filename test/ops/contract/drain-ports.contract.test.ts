import { KubeConfig } from '@kubernetes/client-node';
import { kubeDrainPorts } from '../../../src/adapters/k8s/drain-adapters.js';
import type { DrainPorts } from '../../../src/ops/drain/drain-ports.js';
import type { BudgetChange } from '../../../src/ports/disruption-budgets.js';
import type { NodeCapacities } from '../../../src/ports/node-capacity.js';
import type { PodSummary } from '../../../src/ports/pod-inventory.js';
import type { PodChange } from '../../../src/ports/pod-watch.js';
import { systemClock } from '../../../src/shared/clock.js';
import { startSimulator } from '../../../src/sim/index.js';
import { FakeCluster } from '../fakes/fake-cluster.js';
import { ManualClock } from '../fakes/manual-clock.js';

/**
 * The drain ports' contract, run against the in-memory fake the unit tests use and against the simulator
 * through the real adapters (client-node over HTTP): the same world, the same cases, the same answers. When
 * one of them changes behaviour, this fails, so the fake cannot drift from the cluster it stands for.
 *
 * The world: worker-1..3; `web` (one pod per worker, budget maxUnavailable 1), `db` (on worker-1 and
 * worker-2 by required node affinity, budget minAvailable 2: blocks), `dup` (one pod under two budgets, on
 * worker-3 by nodeSelector), DaemonSet `agent`, and a bare
 * pod `debug` with an emptyDir volume on worker-1.
 */
interface World {
  ports: DrainPorts & { capacity: NodeCapacities };
  /** Lets (simulated or real) time pass until `check` holds. */
  until(what: string, check: () => boolean | Promise<boolean>): Promise<void>;
  stop(): Promise<void>;
}

async function fakeWorld(): Promise<World> {
  const clock = new ManualClock();
  const cluster = new FakeCluster(clock);
  cluster.addNode('control-plane-1', {
    taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
  });
  for (const node of ['worker-1', 'worker-2', 'worker-3']) cluster.addNode(node);
  const base = { namespace: 'shop', kind: 'ReplicaSet' as const, graceSeconds: 2, readyAfterMs: 1000 };
  cluster.addWorkload({ ...base, name: 'web', replicas: 3, labels: { app: 'web' } }, [
    'worker-1',
    'worker-2',
    'worker-3',
  ]);
  cluster.addWorkload(
    {
      ...base,
      name: 'db',
      replicas: 2,
      labels: { app: 'db' },
      requiredNodeAffinity: [
        {
          matchExpressions: [
            { key: 'kubernetes.io/hostname', operator: 'In', values: ['worker-1', 'worker-2'] },
          ],
        },
      ],
    },
    ['worker-1', 'worker-2'],
  );
  cluster.addWorkload(
    {
      ...base,
      name: 'dup',
      replicas: 1,
      labels: { app: 'dup' },
      nodeSelector: { 'kubernetes.io/hostname': 'worker-3' },
    },
    ['worker-3'],
  );
  cluster.addWorkload(
    {
      ...base,
      namespace: 'monitoring',
      kind: 'DaemonSet',
      name: 'agent',
      replicas: 0,
      labels: { app: 'agent' },
    },
    ['worker-1', 'worker-2', 'worker-3'],
  );
  cluster.addPod({
    namespace: 'shop',
    name: 'debug',
    nodeName: 'worker-1',
    labels: { app: 'debug' },
    emptyDirVolumes: ['scratch'],
    terminationGracePeriodSeconds: 2,
  });
  cluster.addBudget({
    namespace: 'shop',
    name: 'web-pdb',
    selector: { matchLabels: { app: 'web' } },
    maxUnavailable: 1,
  });
  cluster.addBudget({
    namespace: 'shop',
    name: 'db-pdb',
    selector: { matchLabels: { app: 'db' } },
    minAvailable: 2,
  });
  cluster.addBudget({
    namespace: 'shop',
    name: 'dup-pdb',
    selector: { matchLabels: { app: 'dup' } },
    maxUnavailable: 1,
  });
  cluster.addBudget({
    namespace: 'shop',
    name: 'dup-extra',
    selector: { matchLabels: { app: 'dup' } },
    maxUnavailable: 1,
  });
  return {
    ports: {
      nodes: cluster,
      nodeList: cluster,
      pods: cluster,
      evictions: cluster,
      podWatch: cluster,
      budgets: cluster,
      capacity: cluster,
      clock,
    },
    async until(what, check) {
      for (let i = 0; i < 600; i++) {
        if (await check()) return;
        await clock.advance(100);
      }
      throw new Error(`fake: ${what} did not happen within 60 s of simulated time`);
    },
    async stop() {},
  };
}

async function simWorld(): Promise<World> {
  const deployment = {
    kind: 'Deployment' as const,
    namespace: 'shop',
    terminationGracePeriodSeconds: 2,
    readinessDelay: '1s',
  };
  const sim = await startSimulator({
    timeScale: 0.05,
    scenario: {
      name: 'drain-ports-contract',
      nodes: [{ role: 'control-plane' }, { role: 'worker', count: 3 }],
      namespaces: ['shop', 'monitoring'],
      workloads: [
        { ...deployment, name: 'web', replicas: 3, pdb: { maxUnavailable: 1 } },
        {
          ...deployment,
          name: 'db',
          replicas: 2,
          placement: { nodes: ['worker-1', 'worker-2'] },
          pdb: { minAvailable: 2 },
        },
        {
          ...deployment,
          name: 'dup',
          replicas: 1,
          nodeSelector: { 'kubernetes.io/hostname': 'worker-3' },
          pdb: { maxUnavailable: 1 },
        },
        { kind: 'DaemonSet', name: 'agent', namespace: 'monitoring', terminationGracePeriodSeconds: 2 },
        {
          kind: 'Pod',
          name: 'debug',
          namespace: 'shop',
          emptyDir: true,
          terminationGracePeriodSeconds: 2,
          placement: { nodes: ['worker-1'] },
        },
      ],
      pdbs: [{ name: 'dup-extra', namespace: 'shop', selector: { app: 'dup' }, maxUnavailable: 1 }],
    },
  });
  await sim.settled({ timeoutMs: 30_000 });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  return {
    ports: kubeDrainPorts(kc, 'contract', systemClock),
    async until(what, check) {
      const deadline = Date.now() + 15_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`simulator: ${what} did not happen within 15 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    stop: () => sim.stop(),
  };
}

const ours = (pods: PodSummary[]) =>
  pods
    .filter((p) => p.namespace === 'shop' || p.namespace === 'monitoring')
    .sort((a, b) => a.name.localeCompare(b.name));
const owner = (pod: PodSummary) =>
  pod.controller ? `${pod.controller.kind}/${pod.controller.name.replace(/-[a-z0-9]{8,10}$/, '')}` : '-';
const byApp = (pods: PodSummary[], app: string) => pods.filter((p) => p.labels.app === app);

describe.each([
  ['the in-memory fake', fakeWorld],
  ['the simulator through client-node', simWorld],
] as const)('drain ports against %s', (_name, start) => {
  let world: World;
  beforeAll(async () => {
    world = await start();
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
  });

  it("lists a node's pods with owners, readiness, emptyDir volumes and grace periods", async () => {
    const pods = ours(await world.ports.pods.listPods({ node: 'worker-1' }));
    expect(
      pods.map((p) => [
        p.labels.app,
        owner(p),
        p.phase,
        p.ready,
        p.emptyDirVolumes,
        p.terminationGracePeriodSeconds,
      ]),
    ).toEqual([
      ['agent', 'DaemonSet/agent', 'Running', true, [], 2],
      ['db', 'ReplicaSet/db', 'Running', true, [], 2],
      ['debug', '-', 'Running', true, ['scratch'], 2],
      ['web', 'ReplicaSet/web', 'Running', true, [], 2],
    ]);
    expect(
      pods.every(
        (p) => p.nodeName === 'worker-1' && p.uid !== '' && !p.mirror && p.deletionTimestamp === undefined,
      ),
    ).toBe(true);
  });

  it('applies a label selector across nodes', async () => {
    const pods = await world.ports.pods.listPods({ labelSelector: 'app=web' });
    expect(pods.map((p) => p.nodeName).sort()).toEqual(['worker-1', 'worker-2', 'worker-3']);
  });

  it("looks DaemonSets up, with the API server's words when one is missing", async () => {
    expect(await world.ports.pods.daemonSet('monitoring', 'agent')).toEqual({ exists: true });
    expect(await world.ports.pods.daemonSet('monitoring', 'gone')).toEqual({
      exists: false,
      message: 'daemonsets.apps "gone" not found',
    });
  });

  it('reads nodes, says undefined for a missing one, and cordons and uncordons', async () => {
    expect(await world.ports.nodes.readNode('worker-9')).toBeUndefined();
    expect((await world.ports.nodes.setUnschedulable('worker-3', true)).unschedulable).toBe(true);
    expect((await world.ports.nodes.readNode('worker-3'))?.unschedulable).toBe(true);
    expect((await world.ports.nodes.setUnschedulable('worker-3', false)).unschedulable).toBe(false);
    expect((await world.ports.nodeList.listNodes()).map((n) => n.name).sort()).toEqual([
      'control-plane-1',
      'worker-1',
      'worker-2',
      'worker-3',
    ]);
  });

  it("carries each pod's nodeSelector and required node affinity, and each node's labels", async () => {
    const pods = ours(await world.ports.pods.listPods({}));
    const shape = (app: string) =>
      byApp(pods, app).map((p) => ({ nodeSelector: p.nodeSelector, affinity: p.requiredNodeAffinity }));
    expect(shape('db')).toEqual(
      Array(2).fill({
        nodeSelector: {},
        affinity: [
          {
            matchExpressions: [
              { key: 'kubernetes.io/hostname', operator: 'In', values: ['worker-1', 'worker-2'] },
            ],
          },
        ],
      }),
    );
    expect(shape('dup')).toEqual([
      { nodeSelector: { 'kubernetes.io/hostname': 'worker-3' }, affinity: undefined },
    ]);
    expect(shape('web')).toEqual(Array(3).fill({ nodeSelector: {}, affinity: undefined }));
    const nodes = await world.ports.capacity.listNodeCapacity();
    expect(nodes.every((n) => n.labels['kubernetes.io/hostname'] === n.name)).toBe(true);
  });

  it("reports each node's allocatable, taints and cordon", async () => {
    const nodes = await world.ports.capacity.listNodeCapacity();
    const controlPlane = nodes.find((n) => n.name === 'control-plane-1');
    expect(controlPlane?.taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ]);
    expect(
      nodes
        .filter((n) => n.name.startsWith('worker-'))
        .every((n) => n.ready && !n.unschedulable && n.allocatable.cpuMillis > 0 && n.allocatable.pods > 0),
    ).toBe(true);
  });

  it('answers evictions as the eviction API does: accepted, blocked by a budget, refused, not found', async () => {
    const worker1 = await world.ports.pods.listPods({ node: 'worker-1' });
    const worker3 = await world.ports.pods.listPods({ node: 'worker-3' });
    const [db] = byApp(worker1, 'db');
    const [dup] = byApp(worker3, 'dup');
    if (!db || !dup) throw new Error('the world is missing pods');

    expect(await world.ports.evictions.evict(db, undefined)).toEqual({
      kind: 'blocked',
      budget: 'db-pdb',
      message:
        "Cannot evict pod as it would violate the pod's disruption budget. The disruption budget db-pdb needs 2 healthy pods and has 2 currently",
    });
    expect(await world.ports.evictions.evict(dup, undefined)).toEqual({
      kind: 'refused',
      code: 500,
      message:
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    });
    expect(await world.ports.evictions.evict({ namespace: 'shop', name: 'nobody' }, undefined)).toEqual({
      kind: 'not-found',
    });
  });

  it('follows an evicted pod on the node watch until it is gone, and the budget back to allowing one', async () => {
    const changes: PodChange[] = [];
    const budgets: BudgetChange[] = [];
    const pods = await world.ports.podWatch.watchNodePods('worker-2', (change) => changes.push(change));
    const budgetWatch = await world.ports.budgets.watchBudgets((change) => budgets.push(change));
    try {
      expect(
        new Set(ours(changes.filter((c) => c.type === 'upsert').map((c) => c.pod)).map((p) => p.labels.app)),
      ).toEqual(new Set(['web', 'db', 'agent']));
      expect(budgets.find((b) => b.budget.name === 'web-pdb')?.budget).toMatchObject({
        disruptionsAllowed: 1,
        currentHealthy: 3,
        desiredHealthy: 2,
        expectedPods: 3,
        maxUnavailable: 1,
        upToDate: true,
      });
      const [web] = byApp(await world.ports.pods.listPods({ node: 'worker-2' }), 'web');
      if (!web) throw new Error('no web pod on worker-2');

      // The healthy web pod on worker-3, taken before the eviction: its replacement may land there too, and a
      // Pending pod is evicted whatever the budget says.
      const [other] = byApp(await world.ports.pods.listPods({ node: 'worker-3' }), 'web');
      if (!other) throw new Error('no web pod on worker-3');
      expect(await world.ports.evictions.evict(web, undefined)).toEqual({ kind: 'accepted' });
      const second = await world.ports.evictions.evict(other, undefined);
      expect(second).toMatchObject({ kind: 'blocked', budget: 'web-pdb' });

      await world.until('the evicted pod terminating on the watch', () =>
        changes.some(
          (c) => c.type === 'upsert' && c.pod.uid === web.uid && c.pod.deletionTimestamp !== undefined,
        ),
      );
      await world.until('the evicted pod deleted on the watch', () =>
        changes.some((c) => c.type === 'deleted' && c.pod.uid === web.uid),
      );
      await world.until('web-pdb allowing a disruption again', () => {
        const last = budgets.filter((b) => b.budget.name === 'web-pdb').at(-1);
        return last?.budget.disruptionsAllowed === 1;
      });
      expect(
        budgets.filter((b) => b.budget.name === 'web-pdb').some((b) => b.budget.disruptionsAllowed === 0),
      ).toBe(true);
    } finally {
      pods.close();
      budgetWatch.close();
    }
  });

  it('deletes a pod only when its uid still matches', async () => {
    const [debug] = byApp(await world.ports.pods.listPods({ node: 'worker-1' }), 'debug');
    if (!debug) throw new Error('no debug pod');
    expect(await world.ports.evictions.deletePod({ ...debug, uid: 'not-its-uid' }, undefined)).toBe(
      'not-found',
    );
    expect(await world.ports.evictions.deletePod(debug, 0)).toBe('deleted');
    await world.until(
      'the debug pod gone',
      async () => byApp(await world.ports.pods.listPods({ node: 'worker-1' }), 'debug').length === 0,
    );
  });
});
