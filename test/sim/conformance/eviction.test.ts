import { ApiException, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { type KubeObject, type ScenarioInput, simAnnotations } from '../../../src/sim/index.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

const scenario: ScenarioInput = {
  name: 'eviction',
  nodes: [{ role: 'control-plane' }, { role: 'worker', count: 3 }],
  namespaces: ['ev'],
  workloads: [
    { kind: 'Deployment', name: 'free', namespace: 'ev', replicas: 2 },
    { kind: 'Deployment', name: 'guarded', namespace: 'ev', replicas: 3, pdb: { minAvailable: 3 } },
    // Replacements take 30 s (300 ms here) to become Ready, so a budget spent stays spent for a moment.
    {
      kind: 'Deployment',
      name: 'one',
      namespace: 'ev',
      replicas: 3,
      readinessDelay: '30s',
      pdb: { minAvailable: 2 },
    },
    { kind: 'Deployment', name: 'double', namespace: 'ev', replicas: 2 },
    { kind: 'Deployment', name: 'scaled', namespace: 'ev', replicas: 3, pdb: { maxUnavailable: '50%' } },
    { kind: 'DaemonSet', name: 'agent', namespace: 'ev' },
    { kind: 'StatefulSet', name: 'db', namespace: 'ev', replicas: 2 },
  ],
  pdbs: [
    { name: 'double-a', namespace: 'ev', selector: { app: 'double' }, maxUnavailable: 1 },
    { name: 'double-b', namespace: 'ev', selector: { app: 'double' }, maxUnavailable: 1 },
  ],
};

let rig: SimRig;

beforeAll(async () => {
  rig = await startSimRig({ scenario, timeScale: 0.01 });
});

afterAll(async () => {
  await rig?.stop();
});

interface Answer {
  code: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** POST …/pods/<name>/eviction through client-node; errors come back as answers, not exceptions. */
async function evict(
  name: string,
  options: { namespace?: string; bodyName?: string; dryRun?: string } = {},
): Promise<Answer> {
  const namespace = options.namespace ?? 'ev';
  try {
    const info = await rig.core.createNamespacedPodEvictionWithHttpInfo({
      name,
      namespace,
      dryRun: options.dryRun,
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: options.bodyName ?? name, namespace },
      },
    });
    return {
      code: info.httpStatusCode,
      body: info.data as unknown as Record<string, unknown>,
      headers: info.headers,
    };
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return {
      code: error.code,
      body: JSON.parse(String(error.body)) as Record<string, unknown>,
      headers: error.headers,
    };
  }
}

async function podsOf(app: string): Promise<V1Pod[]> {
  return (await rig.core.listNamespacedPod({ namespace: 'ev', labelSelector: `app=${app}` })).items;
}

async function firstPod(app: string): Promise<string> {
  const [pod] = (await podsOf(app)).filter((p) => !p.metadata?.deletionTimestamp);
  return pod?.metadata?.name ?? '';
}

async function pdbStatus(name: string) {
  return (await rig.policy.readNamespacedPodDisruptionBudget({ name, namespace: 'ev' })).status;
}

describe('eviction subresource and PodDisruptionBudgets', () => {
  it('(22) evicts a pod no PDB covers: 201, DisruptionTarget, graceful delete, replaced at once', async () => {
    const name = await firstPod('free');
    const answer = await evict(name);
    expect(answer.code).toBe(201);
    const pod = await rig.core.readNamespacedPod({ name, namespace: 'ev' });
    expect(pod.metadata?.deletionTimestamp).toBeDefined();
    expect(pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'EvictionByEvictionAPI',
      message: 'Eviction API: evicting',
    });
    await eventually('a replacement', async () => {
      const active = (await podsOf('free')).filter((p) => !p.metadata?.deletionTimestamp);
      return active.length === 2 && !active.some((p) => p.metadata?.name === name) ? active : undefined;
    });
  });

  it('(22) answers 201 with a Status Success body', async () => {
    const name = await firstPod('free');
    const response = await fetch(`${rig.sim.url}/api/v1/namespaces/ev/pods/${name}/eviction`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace: 'ev' },
      }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
  });

  it('(23) refuses with 429 and the exact body, without Retry-After, when the budget allows nothing', async () => {
    const answer = await evict(await firstPod('guarded'));
    expect(answer.code).toBe(429);
    expect(answer.headers['retry-after']).toBeUndefined();
    expect(answer.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget guarded-pdb needs 3 healthy pods and has 3 currently',
          },
        ],
      },
      code: 429,
    });
  });

  it('(24) answers 429 with Retry-After: 10 while the PDB controller has not processed the budget', async () => {
    // A maxUnavailable budget over DaemonSet pods cannot be computed (no scale subresource), so the
    // controller fails safe and never records observedGeneration, as the real one does.
    await rig.policy.createNamespacedPodDisruptionBudget({
      namespace: 'ev',
      body: {
        metadata: { name: 'agent-pdb' },
        spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'agent' } } },
      },
    });
    const status = await eventually('SyncFailed', async () => {
      const s = await pdbStatus('agent-pdb');
      return s?.conditions?.some((c) => c.reason === 'SyncFailed') ? s : undefined;
    });
    expect(status?.conditions?.[0]?.message).toBe('daemonsets.apps does not implement the scale subresource');
    const answer = await evict(await firstPod('agent'));
    expect(answer.code).toBe(429);
    expect(answer.headers['retry-after']).toBe('10');
    expect(answer.body.details).toEqual({
      causes: [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget agent-pdb is still being processed by the server.',
        },
      ],
      retryAfterSeconds: 10,
    });
  });

  it('(34) recreates an evicted StatefulSet pod with the same name and a new UID', async () => {
    const before = await rig.core.readNamespacedPod({ name: 'db-0', namespace: 'ev' });
    expect((await evict('db-0')).code).toBe(201);
    const after = await eventually('db-0 to come back', async () => {
      const pod = await rig.core.readNamespacedPod({ name: 'db-0', namespace: 'ev' });
      return pod.metadata?.uid !== before.metadata?.uid ? pod : undefined;
    });
    expect(after.metadata?.name).toBe('db-0');
    expect(after.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('(25) answers 500 when two PDBs select the pod', async () => {
    const answer = await evict(await firstPod('double'));
    expect(answer.code).toBe(500);
    expect(answer.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      code: 500,
    });
  });

  it('(26) spends the one allowed disruption, records the pod, and refuses the next eviction', async () => {
    const [first, second] = (await podsOf('one')).map((p) => p.metadata?.name ?? '');
    // The disruption controller drops the entry as soon as the pod is terminating, so watch for the write.
    const seen: KubeObject[] = [];
    const watch = rig.sim.registry.watch(
      { group: 'policy', resource: 'poddisruptionbudgets' },
      {
        namespace: 'ev',
        fieldSelector: 'metadata.name=one-pdb',
        resourceVersion: await rig.sim.registry.currentResourceVersion(),
      },
      (event) => seen.push(event.object),
    );
    try {
      expect((await evict(first ?? '')).code).toBe(201);
      const spent = await eventually('the eviction to be recorded', async () =>
        seen.find((pdb) => pdb.status?.disruptedPods?.[first ?? ''] !== undefined),
      );
      expect(spent.status.disruptionsAllowed).toBe(0);
      expect(
        spent.status.conditions.find((c: { type: string }) => c.type === 'DisruptionAllowed'),
      ).toMatchObject({
        status: 'False',
        reason: 'InsufficientPods',
      });
    } finally {
      watch.stop();
    }
    expect((await pdbStatus('one-pdb'))?.disruptionsAllowed).toBe(0);
    const refused = await evict(second ?? '');
    expect(refused.code).toBe(429);
    expect(refused.body.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
  });

  it('(27) evicts Pending, Succeeded and already-terminating pods even when the budget allows nothing', async () => {
    const labels = { app: 'guarded' };
    const base = { containers: [{ name: 'app', image: 'nginx:1.27.3' }] };
    await rig.core.createNamespacedPod({
      namespace: 'ev',
      body: { metadata: { name: 'stuck', labels }, spec: { ...base, nodeSelector: { nowhere: 'true' } } },
    });
    await rig.core.createNamespacedPod({
      namespace: 'ev',
      body: {
        metadata: { name: 'done', labels, annotations: { [simAnnotations.runDuration]: '10' } },
        spec: { ...base, restartPolicy: 'Never' },
      },
    });
    await eventually('done to succeed', async () => {
      const pod = await rig.core.readNamespacedPod({ name: 'done', namespace: 'ev' });
      return pod.status?.phase === 'Succeeded' ? pod : undefined;
    });
    const leaving =
      (await podsOf('guarded')).find((p) => p.metadata?.name?.startsWith('guarded-'))?.metadata?.name ?? '';
    await rig.core.deleteNamespacedPod({ name: leaving, namespace: 'ev', gracePeriodSeconds: 3600 });
    expect((await evict('stuck')).code).toBe(201);
    expect((await evict('done')).code).toBe(201);
    expect((await evict(leaving)).code).toBe(201);
    expect((await pdbStatus('guarded-pdb'))?.disruptionsAllowed).toBe(0);
  });

  it('(28) evicts a not-Ready pod without spending the budget under AlwaysAllow, and only with a met budget under IfHealthyBudget', async () => {
    const neverReady = { [simAnnotations.readinessDelay]: String(3_600_000) };
    for (const [name, policy] of [
      ['sick-always', 'AlwaysAllow'],
      ['sick-ifhealthy', 'IfHealthyBudget'],
    ] as const) {
      await rig.apps.createNamespacedDeployment({
        namespace: 'ev',
        body: {
          metadata: { name },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name }, annotations: neverReady },
              spec: { containers: [{ name: 'app', image: 'nginx:1.27.3' }] },
            },
          },
        },
      });
      await rig.policy.createNamespacedPodDisruptionBudget({
        namespace: 'ev',
        body: {
          metadata: { name },
          spec: {
            minAvailable: 1,
            selector: { matchLabels: { app: name } },
            unhealthyPodEvictionPolicy: policy,
          },
        },
      });
    }
    const runningNotReady = async (app: string) =>
      await eventually(`${app} pods running`, async () => {
        const pods = (await podsOf(app)).filter((p) => p.status?.phase === 'Running');
        const budget = await pdbStatus(app);
        return pods.length === 2 && budget?.observedGeneration === 1 ? pods : undefined;
      });
    const [always] = await runningNotReady('sick-always');
    const [ifHealthy] = await runningNotReady('sick-ifhealthy');
    expect((await evict(always?.metadata?.name ?? '')).code).toBe(201);
    expect((await pdbStatus('sick-always'))?.disruptedPods).toBeUndefined();
    const refused = await evict(ifHealthy?.metadata?.name ?? '');
    expect(refused.code).toBe(429);
    expect(refused.body.details).toEqual({
      causes: [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget sick-ifhealthy needs 1 healthy pods and has 0 currently',
        },
      ],
    });
  });

  it('(29) answers 404 for a missing pod, 400 for a name mismatch, and changes nothing on dryRun=All', async () => {
    const missing = await evict('no-such-pod');
    expect(missing.code).toBe(404);
    expect(missing.body.message).toBe('pods "no-such-pod" not found');
    const name = await firstPod('free');
    const mismatch = await evict(name, { bodyName: 'someone-else' });
    expect(mismatch.code).toBe(400);
    expect(mismatch.body.message).toBe('name in URL does not match name in Eviction object');
    const before = await rig.core.readNamespacedPod({ name, namespace: 'ev' });
    expect((await evict(name, { dryRun: 'All' })).code).toBe(201);
    const after = await rig.core.readNamespacedPod({ name, namespace: 'ev' });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.metadata?.deletionTimestamp).toBeUndefined();
  });

  it('(30) refuses evictions in a terminating namespace with 403 NamespaceTerminating', async () => {
    await rig.core.createNamespace({ body: { metadata: { name: 'closing' } } });
    await rig.core.createNamespacedConfigMap({
      namespace: 'closing',
      body: { metadata: { name: 'hold', finalizers: ['example.com/hold'] } },
    });
    await rig.core.deleteNamespace({ name: 'closing' });
    const answer = await evict('anything', { namespace: 'closing' });
    expect(answer.code).toBe(403);
    expect(answer.body.details).toMatchObject({
      causes: [
        {
          reason: 'NamespaceTerminating',
          message: 'namespace closing is being terminated',
          field: 'metadata.namespace',
        },
      ],
    });
    await rig.core.patchNamespacedConfigMap(
      { name: 'hold', namespace: 'closing', body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  });

  it('(31) recomputes the budget from the controllers replicas, rounding percentages up', async () => {
    expect(await pdbStatus('scaled-pdb')).toMatchObject({
      expectedPods: 3,
      desiredHealthy: 1,
      currentHealthy: 3,
      disruptionsAllowed: 2,
      observedGeneration: 1,
    });
    await rig.apps.patchNamespacedDeployment(
      { name: 'scaled', namespace: 'ev', body: { spec: { replicas: 5 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const status = await eventually('5 healthy', async () => {
      const s = await pdbStatus('scaled-pdb');
      return s?.currentHealthy === 5 ? s : undefined;
    });
    // maxUnavailable 50% of 5 rounds up to 3: desired 2, allowed 3.
    expect(status).toMatchObject({ expectedPods: 5, desiredHealthy: 2, disruptionsAllowed: 3 });
    const [pod] = await podsOf('scaled');
    await rig.core.deleteNamespacedPod({
      name: pod?.metadata?.name ?? '',
      namespace: 'ev',
      gracePeriodSeconds: 3600,
    });
    const after = await eventually('the terminating pod to stop counting', async () => {
      const s = await pdbStatus('scaled-pdb');
      const pods = await podsOf('scaled');
      const ready = pods.filter(
        (p) =>
          !p.metadata?.deletionTimestamp &&
          p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return s?.currentHealthy === ready.length ? s : undefined;
    });
    expect(after?.desiredHealthy).toBe(2);
  });
});
