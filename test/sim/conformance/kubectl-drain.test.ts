import type { V1Pod } from '@kubernetes/client-node';
import type { ScenarioInput } from '../../../src/sim/index.js';
import type { Kubectl } from '../../support/kubectl.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

const scenario: ScenarioInput = {
  name: 'drain',
  nodes: [{ role: 'control-plane' }, { role: 'worker', count: 3 }],
  workloads: [
    {
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      replicas: 3,
      terminationGracePeriodSeconds: 10,
      pdb: { minAvailable: 2 },
    },
    {
      kind: 'Deployment',
      name: 'api',
      namespace: 'shop',
      replicas: 2,
      emptyDir: ['cache'],
      pdb: { maxUnavailable: 1 },
    },
    { kind: 'StatefulSet', name: 'db', namespace: 'shop', replicas: 2, pdb: { maxUnavailable: 1 } },
    {
      kind: 'Deployment',
      name: 'ledger',
      namespace: 'pay',
      replicas: 2,
      placement: { nodes: ['worker-3'] },
      pdb: { maxUnavailable: 0 },
    },
    { kind: 'DaemonSet', name: 'node-exporter', namespace: 'monitoring' },
  ],
};

let rig: SimRig;
let kubectl: Kubectl;

beforeAll(async () => {
  rig = await startSimRig({ scenario, timeScale: 0.01 });
  kubectl = await rig.kubectl();
});

afterAll(async () => {
  await rig?.stop();
});

async function podsOn(node: string): Promise<V1Pod[]> {
  return (await rig.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
}

const ownerKind = (pod: V1Pod) => pod.metadata?.ownerReferences?.find((r) => r.controller)?.kind;

async function unschedulable(node: string): Promise<boolean | undefined> {
  return (await rig.core.readNode({ name: node })).spec?.unschedulable;
}

async function uncordon(node: string): Promise<void> {
  const result = await kubectl.run(['uncordon', node]);
  expect(result.exitCode).toBe(0);
}

/** The worker (not worker-3) running an api pod, whose emptyDir makes drain need --delete-emptydir-data. */
async function nodeWithApiPod(): Promise<string> {
  const pods = (await rig.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=api' })).items;
  const node = pods.map((p) => p.spec?.nodeName).find((n) => n && n !== 'worker-3');
  if (!node) throw new Error('no api pod outside worker-3');
  return node;
}

describe('kubectl against the simulated cluster', () => {
  it('cordon adds the unschedulable taint; uncordon removes it', async () => {
    const cordon = await kubectl.run(['cordon', 'worker-2']);
    expect(cordon.stdout.trim()).toBe('node/worker-2 cordoned');
    await eventually('the taint', async () => {
      const node = await rig.core.readNode({ name: 'worker-2' });
      return node.spec?.taints?.some(
        (t) => t.key === 'node.kubernetes.io/unschedulable' && t.effect === 'NoSchedule',
      )
        ? node
        : undefined;
    });
    const nodes = await kubectl.run(['get', 'nodes']);
    expect(nodes.stdout).toMatch(/worker-2\s+Ready,SchedulingDisabled\s+<none>\s+\S+\s+v1\.31\.4/);
    expect((await kubectl.run(['uncordon', 'worker-2'])).stdout.trim()).toBe('node/worker-2 uncordoned');
    await eventually('the taint to go', async () => {
      const node = await rig.core.readNode({ name: 'worker-2' });
      return (node.spec?.taints ?? []).length === 0 ? node : undefined;
    });
  });

  it('(32) recreates a deleted DaemonSet pod on its cordoned node', async () => {
    await kubectl.run(['cordon', 'worker-2']);
    const [agent] = (await podsOn('worker-2')).filter(
      (p) => ownerKind(p) === 'DaemonSet' && p.metadata?.namespace === 'monitoring',
    );
    const deleted = await kubectl.run(['delete', 'pod', '-n', 'monitoring', agent?.metadata?.name ?? '']);
    expect(deleted.exitCode).toBe(0);
    await eventually('a new node-exporter pod on worker-2', async () => {
      const pods = (await podsOn('worker-2')).filter((p) => p.metadata?.namespace === 'monitoring');
      return pods.some((p) => p.metadata?.name !== agent?.metadata?.name && p.status?.phase === 'Running')
        ? pods
        : undefined;
    });
    await uncordon('worker-2');
  });

  it('(36) refuses to drain a node with DaemonSet pods without --ignore-daemonsets, and leaves it cordoned', async () => {
    const before = await podsOn('worker-1');
    const result = await kubectl.run(['drain', 'worker-1']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('node/worker-1 cordoned');
    expect(result.stderr).toContain(
      'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)',
    );
    expect(await unschedulable('worker-1')).toBe(true);
    const after = await podsOn('worker-1');
    expect(after.filter((p) => p.metadata?.deletionTimestamp)).toEqual([]);
    expect(after.map((p) => p.metadata?.uid).sort()).toEqual(before.map((p) => p.metadata?.uid).sort());
    await uncordon('worker-1');
  });

  it('refuses pods with emptyDir volumes without --delete-emptydir-data', async () => {
    const node = await nodeWithApiPod();
    const result = await kubectl.run(['drain', node, '--ignore-daemonsets']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'cannot delete Pods with local storage (use --delete-emptydir-data to override)',
    );
    await uncordon(node);
  });

  it('(35, 34) drains a node with --ignore-daemonsets --delete-emptydir-data: evictions, replacements elsewhere', async () => {
    const node = await nodeWithApiPod();
    const before = await podsOn(node);
    const statefulBefore = before.filter((p) => ownerKind(p) === 'StatefulSet');
    const result = await kubectl.run([
      'drain',
      node,
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=60s',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`node/${node} cordoned`);
    expect(result.stderr).toMatch(/Warning: ignoring DaemonSet-managed Pods: .*monitoring\/node-exporter-/);
    expect(result.stdout).toMatch(/evicting pod shop\/api-/);
    expect(result.stdout).toMatch(/pod\/api-\S+ evicted/);
    expect(result.stdout.trim().endsWith(`node/${node} drained`)).toBe(true);
    const left = await podsOn(node);
    expect(left.filter((p) => ownerKind(p) !== 'DaemonSet')).toEqual([]);
    await rig.sim.settled({ timeoutMs: 10_000 });
    // A StatefulSet pod comes back under the same name with a new UID (what drain's UID check waits for).
    for (const pod of statefulBefore) {
      const again = await rig.core.readNamespacedPod({ name: pod.metadata?.name ?? '', namespace: 'shop' });
      expect(again.metadata?.uid).not.toBe(pod.metadata?.uid);
      expect(again.spec?.nodeName).not.toBe(node);
    }
    await uncordon(node);
  });

  it('(37) retries a PDB stuck at 0 every 5 s until --timeout, exits 1 and leaves the node cordoned', async () => {
    const result = await kubectl.run([
      'drain',
      'worker-3',
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=3s',
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /error when evicting pods\/"ledger-\S+" -n "pay" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./,
    );
    expect(result.stderr).toContain('global timeout reached: 3s');
    expect(await unschedulable('worker-3')).toBe(true);
    expect(
      (await podsOn('worker-3')).filter(
        (p) => p.metadata?.labels?.app === 'ledger' && !p.metadata.deletionTimestamp,
      ),
    ).toHaveLength(2);
  });

  it('waits while the PDB allows no disruption and finishes once the budget allows it', async () => {
    const drain = kubectl.spawn([
      'drain',
      'worker-3',
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=60s',
    ]);
    let stdout = '';
    let stderr = '';
    drain.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    drain.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await eventually(
      'the first refusal',
      async () => (stderr.includes('will retry after 5s') ? true : undefined),
      10_000,
    );
    const relax = await kubectl.run([
      'patch',
      'pdb',
      'ledger-pdb',
      '-n',
      'pay',
      '-p',
      '{"spec":{"maxUnavailable":2}}',
    ]);
    expect(relax.exitCode).toBe(0);
    const result = await drain;
    expect(result.exitCode).toBe(0);
    expect(stdout).toMatch(/pod\/ledger-\S+ evicted/);
    expect(stdout.trim().endsWith('node/worker-3 drained')).toBe(true);
    await uncordon('worker-3');
  });

  it('rollout status follows a Deployment image change to the end', async () => {
    const set = await kubectl.run(['set', 'image', 'deployment/web', 'web=nginx:1.28.0', '-n', 'shop']);
    expect(set.exitCode).toBe(0);
    const status = await kubectl.run(['rollout', 'status', 'deployment/web', '-n', 'shop', '--timeout=30s']);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    const history = await kubectl.run([
      'get',
      'rs',
      '-n',
      'shop',
      '-l',
      'app=web',
      '-o',
      'jsonpath={.items[*].metadata.annotations.deployment\\.kubernetes\\.io/revision}',
    ]);
    expect(history.stdout.split(' ').sort()).toEqual(['1', '2']);
  });

  it('(38) shows a kubelet upgrade in the VERSION column, and a control-plane upgrade only in /version', async () => {
    await rig.sim.nodes.upgradeKubelet('worker-1', 'v1.32.4');
    const nodes = await kubectl.run(['get', 'nodes']);
    expect(nodes.stdout).toMatch(/worker-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.4/);
    expect(nodes.stdout).toMatch(/worker-2\s+Ready\s+<none>\s+\S+\s+v1\.31\.4/);
    await rig.sim.controlPlane.upgrade('v1.32.4');
    const version = await kubectl.run(['version', '-o', 'json']);
    expect(JSON.parse(version.stdout).serverVersion).toMatchObject({ gitVersion: 'v1.32.4', minor: '32' });
    const after = await kubectl.run(['get', 'nodes']);
    expect(after.stdout).toMatch(/control-plane-1\s+Ready\s+control-plane\s+\S+\s+v1\.31\.4/);
  });
});
