import { PatchStrategy, setHeaderOptions, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

let rig: SimRig;

beforeAll(async () => {
  // 0.001: the 5-minute eviction from a down node takes 300 ms, a 30 s grace period 30 ms.
  rig = await startSimRig({ scenario: 'small', timeScale: 0.001 });
});

afterAll(async () => {
  await rig?.stop();
});

const ready = (node: V1Node) => node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
const taintKeys = (node: V1Node) => (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
const podReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function podsOn(node: string): Promise<V1Pod[]> {
  return (await rig.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
}

describe('node lifecycle', () => {
  it('(8, 9) adds the unschedulable taint on cordon and removes it on uncordon', async () => {
    const smp = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    await rig.core.patchNode({ name: 'worker-3', body: { spec: { unschedulable: true } } }, smp);
    const cordoned = await eventually('the taint', async () => {
      const node = await rig.core.readNode({ name: 'worker-3' });
      return taintKeys(node).includes('node.kubernetes.io/unschedulable:NoSchedule') ? node : undefined;
    });
    expect(cordoned.spec?.unschedulable).toBe(true);
    await rig.core.patchNode({ name: 'worker-3', body: { spec: { unschedulable: null } } }, smp);
    const uncordoned = await eventually('the taint to go', async () => {
      const node = await rig.core.readNode({ name: 'worker-3' });
      return taintKeys(node).length === 0 ? node : undefined;
    });
    expect(uncordoned.spec?.unschedulable).toBeUndefined();
  });

  it('marks a node whose kubelet stopped NotReady with the unreachable taints and its pods not Ready', async () => {
    await rig.sim.nodes.setReady('worker-2', false);
    const node = await rig.core.readNode({ name: 'worker-2' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    const taints = await eventually('unreachable taints', async () => {
      const current = await rig.core.readNode({ name: 'worker-2' });
      return taintKeys(current).length === 2 ? taintKeys(current) : undefined;
    });
    expect(taints).toEqual([
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/unreachable:NoSchedule',
    ]);
    const pods = await podsOn('worker-2');
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.filter(podReady)).toEqual([]);
  });

  it('evicts the pods of a node down for more than 5 minutes (scaled) and recreates controller-owned ones elsewhere', async () => {
    const evicted = await eventually('web pods on worker-2 to be terminating', async () => {
      const pods = (await podsOn('worker-2')).filter((p) => p.metadata?.labels?.app === 'web');
      return pods.length > 0 && pods.every((p) => p.metadata?.deletionTimestamp) ? pods : undefined;
    });
    expect(evicted[0]?.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'DeletionByTaintManager',
    });
    const web = await eventually('three Ready web pods on other nodes', async () => {
      const pods = (
        await rig.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=web' })
      ).items.filter((p) => !p.metadata?.deletionTimestamp && podReady(p));
      return pods.length === 3 ? pods : undefined;
    });
    expect(web.map((p) => p.spec?.nodeName)).not.toContain('worker-2');
    // DaemonSet pods tolerate unreachable:NoExecute forever and stay.
    const agents = (await podsOn('worker-2')).filter(
      (p) => p.metadata?.ownerReferences?.[0]?.kind === 'DaemonSet',
    );
    expect(agents.length).toBeGreaterThan(0);
    expect(agents.every((p) => !p.metadata?.deletionTimestamp)).toBe(true);
  });

  it('brings the node back Ready when its kubelet returns, and the kubelet finishes the evicted pods', async () => {
    await rig.sim.nodes.setReady('worker-2', true);
    const node = await eventually('taints to go', async () => {
      const current = await rig.core.readNode({ name: 'worker-2' });
      return taintKeys(current).length === 0 ? current : undefined;
    });
    expect(ready(node)).toBe('True');
    await eventually('terminating pods to go', async () => {
      const pods = await podsOn('worker-2');
      return pods.some((p) => p.metadata?.deletionTimestamp) ? undefined : pods;
    });
    await rig.sim.settled({ timeoutMs: 5000 });
  });

  it('(19) keeps a deleted pod Terminating for its grace period, then the kubelet removes it', async () => {
    const [pod] = (await rig.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=api' })).items;
    const name = pod?.metadata?.name ?? '';
    // 1000 s of grace is one real second here: long enough to see the pod Terminating.
    const deleted = await rig.core.deleteNamespacedPod({ name, namespace: 'shop', gracePeriodSeconds: 1000 });
    expect(deleted.metadata?.deletionGracePeriodSeconds).toBe(1000);
    const terminating = await rig.core.readNamespacedPod({ name, namespace: 'shop' });
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    await eventually('the pod to be gone', async () => {
      try {
        await rig.core.readNamespacedPod({ name, namespace: 'shop' });
        return undefined;
      } catch (error) {
        return (error as { code?: number }).code === 404 ? true : undefined;
      }
    });
  });

  it('(38) upgrades one kubelet: new nodeInfo versions and resourceVersion, still Ready', async () => {
    const before = await rig.core.readNode({ name: 'worker-1' });
    await rig.sim.nodes.upgradeKubelet('worker-1', 'v1.32.4');
    const after = await rig.core.readNode({ name: 'worker-1' });
    expect(after.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.4', kubeProxyVersion: 'v1.32.4' });
    expect(after.metadata?.resourceVersion).not.toBe(before.metadata?.resourceVersion);
    expect(ready(after)).toBe('True');
  });

  it('(38) upgrades the control plane: /version changes, node versions do not', async () => {
    await rig.sim.controlPlane.upgrade('v1.32.4');
    const version = (await (await fetch(`${rig.sim.url}/version`)).json()) as {
      gitVersion: string;
      minor: string;
    };
    expect(version).toMatchObject({ gitVersion: 'v1.32.4', minor: '32' });
    const cp = await rig.core.readNode({ name: 'control-plane-1' });
    expect(cp.status?.nodeInfo?.kubeletVersion).toBe('v1.31.4');
    const apiserver = await rig.core.readNamespacedPod({
      name: 'kube-apiserver-control-plane-1',
      namespace: 'kube-system',
    });
    expect(apiserver.spec?.containers[0]?.image).toBe('registry.k8s.io/kube-apiserver:v1.32.4');
  });
});
