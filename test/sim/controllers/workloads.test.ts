import { BatchV1Api, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import type { ScenarioInput } from '../../../src/sim/index.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

const scenario: ScenarioInput = {
  name: 'workloads',
  nodes: [{ role: 'control-plane' }, { role: 'worker', count: 3 }],
  workloads: [
    {
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      replicas: 3,
      image: 'nginx:1.27.3',
      requests: { cpu: '100m' },
    },
    { kind: 'StatefulSet', name: 'db', namespace: 'shop', replicas: 2, image: 'postgres:16.6' },
    { kind: 'Deployment', name: 'roll', namespace: 'shop', replicas: 4, readinessDelay: '5s' },
    { kind: 'DaemonSet', name: 'agent', namespace: 'ops', image: 'agent:1.0' },
    {
      kind: 'Job',
      name: 'report',
      namespace: 'ops',
      completions: 3,
      parallelism: 2,
      duration: '2s',
      failures: 1,
      backoffLimit: 2,
    },
  ],
};

let rig: SimRig;

beforeAll(async () => {
  rig = await startSimRig({ scenario, timeScale: 0.01 });
});

afterAll(async () => {
  await rig?.stop();
});

async function pods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
  return (await rig.core.listNamespacedPod({ namespace, labelSelector })).items;
}

const running = (pod: V1Pod) => !pod.metadata?.deletionTimestamp;

describe('ReplicaSet and Deployment', () => {
  it('replaces a deleted pod at once, while the old one is still terminating', async () => {
    const [victim] = await pods('shop', 'app=web');
    const name = victim?.metadata?.name ?? '';
    // 600 s of grace (6 s here) keeps the old pod visibly Terminating while its replacement starts.
    await rig.core.deleteNamespacedPod({ name, namespace: 'shop', gracePeriodSeconds: 600 });
    const replaced = await eventually('a replacement pod', async () => {
      const now = await pods('shop', 'app=web');
      const stillTerminating = now.some((p) => p.metadata?.name === name && p.metadata.deletionTimestamp);
      const active = now.filter(running);
      return active.length === 3 && stillTerminating ? active : undefined;
    });
    expect(replaced.map((p) => p.metadata?.name)).not.toContain(name);
    expect(replaced.every((p) => p.metadata?.generateName?.startsWith('web-'))).toBe(true);
    for (const pod of replaced)
      expect(pod.metadata?.name).toMatch(/^web-[a-z0-9]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rolls an image change out to a new ReplicaSet, revision 2, until rollout status would say done', async () => {
    await rig.apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'shop',
        body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28.0' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const done = await eventually(
      'the rollout to finish',
      async () => {
        const d = await rig.apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
        const s = d.status;
        const finished =
          (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
          s?.updatedReplicas === 3 &&
          s.replicas === 3 &&
          s.availableReplicas === 3;
        return finished ? d : undefined;
      },
      10_000,
    );
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(done.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
    expect(done.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    const sets = (await rig.apps.listNamespacedReplicaSet({ namespace: 'shop', labelSelector: 'app=web' }))
      .items;
    expect(sets).toHaveLength(2);
    const newest = sets.find((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '2');
    expect(newest?.spec?.replicas).toBe(3);
    expect(newest?.metadata?.name).toBe(`web-${newest?.metadata?.labels?.['pod-template-hash']}`);
    expect(sets.find((rs) => rs !== newest)?.spec?.replicas).toBe(0);
    const images = (await pods('shop', 'app=web')).filter(running).map((p) => p.spec?.containers[0]?.image);
    expect(images).toEqual(['nginx:1.28.0', 'nginx:1.28.0', 'nginx:1.28.0']);
  });
});

describe('rolling update', () => {
  it('keeps replicas - maxUnavailable available and at most replicas + maxSurge pods throughout', async () => {
    const deployments = { group: 'apps', resource: 'deployments' };
    const statuses: Array<{ replicas: number; available: number }> = [];
    const watch = rig.sim.registry.watch(
      deployments,
      {
        namespace: 'shop',
        fieldSelector: 'metadata.name=roll',
        resourceVersion: await rig.sim.registry.currentResourceVersion(),
      },
      (event) =>
        statuses.push({
          replicas: event.object.status?.replicas ?? 0,
          available: event.object.status?.availableReplicas ?? 0,
        }),
    );
    try {
      await rig.apps.patchNamespacedDeployment(
        {
          name: 'roll',
          namespace: 'shop',
          body: { spec: { template: { metadata: { annotations: { restartedAt: 'now' } } } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      await eventually(
        'the rollout to finish',
        async () => {
          const d = await rig.apps.readNamespacedDeployment({ name: 'roll', namespace: 'shop' });
          const done =
            d.status?.observedGeneration === d.metadata?.generation &&
            d.status?.updatedReplicas === 4 &&
            d.status?.availableReplicas === 4 &&
            d.status.replicas === 4;
          return done ? d : undefined;
        },
        10_000,
      );
    } finally {
      watch.stop();
    }
    // 25% of 4: one pod over, none under.
    expect(Math.min(...statuses.map((s) => s.available))).toBeGreaterThanOrEqual(3);
    expect(Math.max(...statuses.map((s) => s.replicas))).toBeLessThanOrEqual(5);
    expect(statuses.length).toBeGreaterThan(3);
  });
});

describe('StatefulSet', () => {
  it('recreates a deleted pod with the same name and a new UID', async () => {
    const before = await rig.core.readNamespacedPod({ name: 'db-1', namespace: 'shop' });
    expect(before.metadata?.labels).toMatchObject({
      'statefulset.kubernetes.io/pod-name': 'db-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    await rig.core.deleteNamespacedPod({ name: 'db-1', namespace: 'shop' });
    const after = await eventually('db-1 to come back', async () => {
      const pod = await rig.core.readNamespacedPod({ name: 'db-1', namespace: 'shop' });
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return pod.metadata?.uid !== before.metadata?.uid && ready ? pod : undefined;
    });
    expect(after.metadata?.name).toBe('db-1');
  });
});

describe('DaemonSet', () => {
  it('runs one pod per eligible node with the automatic tolerations, control plane excluded', async () => {
    const agentPods = await pods('ops', 'app=agent');
    expect(agentPods.map((p) => p.spec?.nodeName).sort()).toEqual(['worker-1', 'worker-2', 'worker-3']);
    expect(agentPods[0]?.spec?.tolerations).toEqual(
      expect.arrayContaining([
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
      ]),
    );
  });
});

describe('Job', () => {
  it('runs pods until completions succeed, counting the failure against backoffLimit', async () => {
    const job = await eventually(
      'the job to complete',
      async () => {
        const j = await rig.kubeConfig
          .makeApiClient(BatchV1Api)
          .readNamespacedJob({ name: 'report', namespace: 'ops' });
        return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True')
          ? j
          : undefined;
      },
      15_000,
    );
    expect(job.status).toMatchObject({ succeeded: 3, failed: 1 });
    expect(job.status?.completionTime).toBeDefined();
    const jobPods = await pods('ops', 'job-name=report');
    expect(jobPods.filter((p) => p.status?.phase === 'Failed')).toHaveLength(1);
    expect(jobPods.filter((p) => p.status?.phase === 'Succeeded')).toHaveLength(3);
  });
});
