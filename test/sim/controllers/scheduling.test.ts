import { PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import type { ScenarioInput } from '../../../src/sim/index.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

const scenario: ScenarioInput = {
  name: 'scheduling',
  nodes: [
    { role: 'control-plane' },
    { role: 'worker', count: 2, capacity: { cpu: '2', memory: '4Gi' } },
    { role: 'worker', labels: { disk: 'ssd' }, capacity: { cpu: '2', memory: '4Gi' } },
  ],
};

let rig: SimRig;

beforeAll(async () => {
  rig = await startSimRig({ scenario, timeScale: 0.01 });
});

afterAll(async () => {
  await rig?.stop();
});

function pod(name: string, spec: Partial<NonNullable<V1Pod['spec']>> = {}, cpu = '100m'): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27.3', resources: { requests: { cpu } } }], ...spec },
  };
}

async function boundNode(name: string): Promise<string> {
  return await eventually(`${name} to be bound`, async () => {
    const current = await rig.core.readNamespacedPod({ name, namespace: 'default' });
    return current.spec?.nodeName;
  });
}

describe('scheduler', () => {
  it("explains an unschedulable pod with kube-scheduler's message", async () => {
    await rig.core.createNamespacedPod({ namespace: 'default', body: pod('huge', {}, '3') });
    const condition = await eventually('PodScheduled=False', async () => {
      const current = await rig.core.readNamespacedPod({ name: 'huge', namespace: 'default' });
      return current.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    });
    expect(condition.reason).toBe('Unschedulable');
    expect(condition.message).toBe(
      '0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. ' +
        'preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
    const current = await rig.core.readNamespacedPod({ name: 'huge', namespace: 'default' });
    expect(current.status?.phase).toBe('Pending');
    expect(current.spec?.nodeName).toBeUndefined();
  });

  it('binds by nodeSelector and starts the pod: Pending, Running, then Ready', async () => {
    await rig.core.createNamespacedPod({
      namespace: 'default',
      body: pod('fast-disk', { nodeSelector: { disk: 'ssd' } }),
    });
    expect(await boundNode('fast-disk')).toBe('worker-3');
    const ready = await eventually('Ready', async () => {
      const current = await rig.core.readNamespacedPod({ name: 'fast-disk', namespace: 'default' });
      return current.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        ? current
        : undefined;
    });
    expect(ready.status?.phase).toBe('Running');
    expect(ready.status?.podIP).toMatch(/^10\.244\.4\.\d+$/);
    expect(ready.status?.hostIP).toBe('10.0.0.14');
    expect(ready.status?.containerStatuses?.[0]).toMatchObject({ name: 'app', ready: true, started: true });
  });

  it('(33) never binds to a cordoned node unless the pod tolerates the unschedulable taint', async () => {
    for (const node of ['worker-1', 'worker-3']) {
      await rig.core.patchNode(
        { name: node, body: { spec: { unschedulable: true } } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
    }
    await rig.core.createNamespacedPod({ namespace: 'default', body: pod('plain') });
    expect(await boundNode('plain')).toBe('worker-2');
    const tolerant = pod('tolerant', {
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      nodeSelector: { disk: 'ssd' },
    });
    await rig.core.createNamespacedPod({ namespace: 'default', body: tolerant });
    expect(await boundNode('tolerant')).toBe('worker-3');
  });

  it('binds a waiting pod as soon as a node it fits becomes schedulable', async () => {
    await rig.core.createNamespacedPod({
      namespace: 'default',
      body: pod('ssd-only', { nodeSelector: { disk: 'ssd' } }),
    });
    const waiting = await eventually('ssd-only to wait', async () => {
      const current = await rig.core.readNamespacedPod({ name: 'ssd-only', namespace: 'default' });
      return current.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    });
    expect(waiting.message).toContain(
      "1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) were unschedulable.",
    );
    await rig.core.patchNode(
      { name: 'worker-3', body: { spec: { unschedulable: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(await boundNode('ssd-only')).toBe('worker-3');
  });
});
