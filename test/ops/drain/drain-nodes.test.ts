import { drainResumedMessage } from '../../../src/messages/drain-resumed.js';
import type { DecisionEffect } from '../../../src/ops/drain/decision-effect.js';
import { drainNodes } from '../../../src/ops/drain/drain-nodes.js';
import type { DrainState } from '../../../src/ops/drain/drain-state.js';
import type { StuckPod } from '../../../src/ops/drain/stuck-pod.js';
import { BosunError, CancelledError } from '../../../src/ops/errors.js';
import type { OperatorDecision } from '../../../src/ports/operator-decisions.js';
import { drainOptions, drainRig, web } from '../fakes/drain-rig.js';

const never = new AbortController().signal;

/** Decisions a test hands to the drain, as the thread's buttons would. */
function inbox() {
  const queue: OperatorDecision[] = [];
  return {
    send: (decision: OperatorDecision) => queue.push(decision),
    decisions: { take: async () => queue.splice(0) },
  };
}

const states = (state: DrainState) =>
  Object.fromEntries((state.nodes[0]?.pods ?? []).map((p) => [`${p.namespace}/${p.name}`, p.state]));

describe('drainNodes', () => {
  it('cordons the node, evicts every pod at once and finishes when each is gone', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 3, graceSeconds: 5 }), ['worker-1', 'worker-1', 'worker-2']);
    cluster.addWorkload(web({ name: 'api', labels: { app: 'api' }, replicas: 1, graceSeconds: 8 }), [
      'worker-1',
    ]);
    const started = clock.now();

    const state = await clock.run(drainNodes(ports, drainOptions(), { signal: never }));

    const drain = state.nodes[0];
    expect(drain?.outcome).toBe('drained');
    expect(drain?.pods.map((p) => p.state)).toEqual(['gone', 'gone', 'gone']);
    expect(new Set(drain?.pods.map((p) => p.evictedAt))).toEqual(new Set([started]));
    expect(clock.now() - started).toBe(8000);
    expect(cluster.node('worker-1')?.unschedulable).toBe(true);
    expect(cluster.podsOn('worker-1')).toEqual([]);
  });

  it('refuses like kubectl when DaemonSet pods are not ignored, evicting nothing and leaving the node cordoned', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 1 }), ['worker-1']);
    cluster.addWorkload(
      {
        ...web({ name: 'node-exporter', labels: { app: 'ne' } }),
        kind: 'DaemonSet',
        namespace: 'monitoring',
      },
      ['worker-1'],
    );

    const state = await clock.run(
      drainNodes(ports, drainOptions({ ignoreDaemonSets: false }), { signal: never }),
    );

    const drain = state.nodes[0];
    expect(drain?.outcome).toBe('refused');
    expect(drain?.errors).toEqual([
      {
        message: 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)',
        pods: [expect.stringMatching(/^monitoring\/node-exporter-/)],
      },
    ]);
    expect(cluster.evictionRequests.size).toBe(0);
    expect(cluster.node('worker-1')?.unschedulable).toBe(true);
  });

  it("ignores DaemonSet pods by default with kubectl's warning, and skips mirror pods silently", async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(
      {
        ...web({ name: 'node-exporter', labels: { app: 'ne' } }),
        kind: 'DaemonSet',
        namespace: 'monitoring',
      },
      ['worker-1'],
    );
    cluster.addPod({
      namespace: 'kube-system',
      name: 'etcd-worker-1',
      nodeName: 'worker-1',
      mirror: true,
    });

    const state = await clock.run(drainNodes(ports, drainOptions(), { signal: never }));

    const drain = state.nodes[0];
    expect(drain?.outcome).toBe('drained');
    expect(drain?.pods).toEqual([]);
    expect(drain?.warnings).toEqual([
      {
        message: 'ignoring DaemonSet-managed Pods',
        pods: [expect.stringMatching(/^monitoring\/node-exporter-/)],
      },
    ]);
    expect(drain?.skippedSilently).toBe(1);
  });

  it('refuses bare pods without --force and emptyDir pods without --delete-emptydir-data, listing both', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addPod({ namespace: 'default', name: 'debug', nodeName: 'worker-1' });
    cluster.addWorkload(web({ emptyDir: true, replicas: 1 }), ['worker-1']);

    const state = await clock.run(drainNodes(ports, drainOptions(), { signal: never }));

    expect(state.nodes[0]?.errors).toEqual([
      {
        message: 'cannot delete Pods that declare no controller (use --force to override)',
        pods: ['default/debug'],
      },
      {
        message: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)',
        pods: [expect.stringMatching(/^shop\/web-/)],
      },
    ]);
    expect(cluster.evictionRequests.size).toBe(0);
  });

  it('evicts bare and emptyDir pods with --force and --delete-emptydir-data, and finished pods always', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addPod({ namespace: 'default', name: 'debug', nodeName: 'worker-1' });
    cluster.addPod({
      namespace: 'batch',
      name: 'report-1',
      nodeName: 'worker-1',
      phase: 'Succeeded',
      ready: false,
    });
    cluster.addWorkload(web({ emptyDir: true, replicas: 1 }), ['worker-1']);

    const state = await clock.run(
      drainNodes(ports, drainOptions({ force: true, deleteEmptyDirData: true }), { signal: never }),
    );

    expect(state.nodes[0]?.outcome).toBe('drained');
    expect(state.nodes[0]?.pods).toHaveLength(3);
    expect(state.nodes[0]?.warnings).toEqual([
      { message: 'deleting Pods that declare no controller', pods: ['default/debug'] },
    ]);
    expect(cluster.podsOn('worker-1')).toEqual([]);
  });

  it('evicts only the pods matching --pod-selector', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 1 }), ['worker-1']);
    cluster.addWorkload(web({ name: 'api', labels: { app: 'api' }, replicas: 1 }), ['worker-1']);

    const state = await clock.run(
      drainNodes(ports, drainOptions({ podSelector: 'app=api' }), { signal: never }),
    );

    expect(state.nodes[0]?.pods.map((p) => p.owner)).toEqual(['ReplicaSet/api']);
    expect(cluster.podsOn('worker-1').map((p) => p.labels.app)).toEqual(['web']);
  });

  it('retries a budget-blocked pod as soon as the budget allows, not on a fixed timer', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 4, graceSeconds: 1, readyAfterMs: 700 }), [
      'worker-1',
      'worker-1',
      'worker-1',
      'worker-2',
    ]);
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      maxUnavailable: 1,
    });
    const started = clock.now();

    const state = await clock.run(drainNodes(ports, drainOptions(), { signal: never }));

    expect(state.nodes[0]?.outcome).toBe('drained');
    // Three pods one after the other, each waiting only for its predecessor's replacement to be Ready
    // (0.7 s), then the last one's grace: kubectl's 5 s retry timer would take over 10 s.
    expect(clock.now() - started).toBe(2 * 700 + 1000);
    const evictedAt = (state.nodes[0]?.pods ?? [])
      .map((p) => (p.evictedAt ?? 0) - started)
      .sort((a, b) => a - b);
    expect(evictedAt).toEqual([0, 700, 1400]);
  });

  it('leaves the node cordoned when a budget allowing no disruption outlasts the timeout', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2 }), ['worker-1', 'worker-2']);
    cluster.addWorkload(web({ name: 'api', labels: { app: 'api' }, replicas: 1, graceSeconds: 1 }), [
      'worker-1',
    ]);
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      minAvailable: 2,
    });
    const started = clock.now();

    const state = await clock.run(drainNodes(ports, drainOptions({ timeoutSeconds: 12 }), { signal: never }));

    const drain = state.nodes[0];
    expect(drain?.outcome).toBe('failed');
    expect(clock.now() - started).toBe(12_000);
    const web1 = drain?.pods.find((p) => p.owner === 'ReplicaSet/web');
    expect(web1?.state).toBe('timed-out');
    expect(web1?.reason).toBe(
      `error when evicting pods/"${web1?.name}" -n "shop": global timeout reached: 12s`,
    );
    expect(drain?.pods.find((p) => p.owner === 'ReplicaSet/api')?.state).toBe('gone');
    expect(cluster.node('worker-1')?.unschedulable).toBe(true);
  });

  it("explains a pod stuck on its budget past the threshold, with the budget's numbers", async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2 }), ['worker-1', 'worker-2']);
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      minAvailable: 2,
    });
    const stuck: StuckPod[] = [];

    await clock.run(
      drainNodes(ports, drainOptions({ timeoutSeconds: 150, stuckAfterMs: 60_000 }), {
        signal: never,
        listener: { stuck: (s) => void stuck.push(s) },
      }),
    );

    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatchObject({
      node: 'worker-1',
      pod: { namespace: 'shop', name: expect.stringMatching(/^web-/) },
      blockedForMs: 60_000,
      message: expect.stringContaining('needs 2 healthy pods and has 2 currently'),
      budget: {
        name: 'web-pdb',
        minAvailable: 2,
        currentHealthy: 2,
        desiredHealthy: 2,
        disruptionsAllowed: 0,
      },
    });
  });

  it('explains again after "keep waiting", skips a pod on "skip this pod", and finishes', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2 }), ['worker-1', 'worker-2']);
    const pod = cluster.podsOn('worker-1')[0];
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      minAvailable: 2,
    });
    const { send, decisions } = inbox();
    const stuck: number[] = [];
    const effects: DecisionEffect[] = [];
    const ref = { namespace: 'shop', name: pod?.name ?? '' };

    const state = await clock.run(
      drainNodes(ports, drainOptions({ stuckAfterMs: 60_000 }), {
        signal: never,
        decisions,
        listener: {
          stuck: () => {
            stuck.push(clock.now());
            send(
              stuck.length === 1
                ? { kind: 'keep-waiting', pod: ref, by: 'UALICE' }
                : { kind: 'skip-pod', pod: ref, by: 'UBOB' },
            );
          },
          decided: (_, effect) => void effects.push(effect),
        },
      }),
    );

    expect(stuck).toHaveLength(2);
    // The click is picked up at the next poll of the thread's decisions (500 ms), then a full threshold again.
    expect((stuck[1] ?? 0) - (stuck[0] ?? 0)).toBe(500 + 60_000);
    expect(effects).toEqual([
      { kind: 'kept-waiting', pod: ref },
      { kind: 'skipped', pod: ref },
    ]);
    expect(states(state)).toEqual({ [`shop/${ref.name}`]: 'skipped' });
    expect(state.nodes[0]?.outcome).toBe('drained');
    expect(state.nodes[0]?.pods[0]?.by).toBe('UBOB');
    expect(cluster.pod('shop', ref.name)?.deletionTimestamp).toBeUndefined();
  });

  it('deletes a stuck pod ignoring its budget when a person says so', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2 }), ['worker-1', 'worker-2']);
    const name = cluster.podsOn('worker-1')[0]?.name ?? '';
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      minAvailable: 2,
    });
    const { send, decisions } = inbox();

    const state = await clock.run(
      drainNodes(ports, drainOptions(), {
        signal: never,
        decisions,
        listener: { stuck: (s) => void send({ kind: 'delete-pod', pod: s.pod, by: 'UALICE' }) },
      }),
    );

    expect(state.nodes[0]?.outcome).toBe('drained');
    expect(state.nodes[0]?.pods[0]).toMatchObject({
      name,
      state: 'gone',
      by: 'UALICE',
      reason: 'deleted ignoring its disruption budget',
    });
    expect(cluster.acceptedEvictions.size).toBe(0);
  });

  it('stops and uncordons on "abort", leaving blocked pods where they are', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2 }), ['worker-1', 'worker-2']);
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      minAvailable: 2,
    });
    const { send, decisions } = inbox();

    const state = await clock.run(
      drainNodes(ports, drainOptions(), {
        signal: never,
        decisions,
        listener: { stuck: () => void send({ kind: 'abort', by: 'UBOB' }) },
      }),
    );

    expect(state.abortedBy).toBe('UBOB');
    expect(state.nodes[0]?.outcome).toBe('aborted');
    expect(state.nodes[0]?.pods[0]?.state).toBe('stopped');
    expect(cluster.node('worker-1')?.unschedulable).toBe(false);
  });

  it('on cancel stops evicting, keeps the node cordoned and reports what moved', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2, graceSeconds: 1 }), ['worker-1', 'worker-2']);
    cluster.addWorkload(web({ name: 'db', labels: { app: 'db' }, replicas: 2 }), ['worker-1', 'worker-2']);
    cluster.addBudget({
      namespace: 'shop',
      name: 'db-pdb',
      selector: { matchLabels: { app: 'db' } },
      minAvailable: 2,
    });
    const cancel = new AbortController();
    clock.sleep(30_000).then(
      () => cancel.abort(new CancelledError('UALICE')),
      () => undefined,
    );

    const state = await clock.run(drainNodes(ports, drainOptions(), { signal: cancel.signal }));

    expect(state.nodes[0]?.outcome).toBe('cancelled');
    const byOwner = Object.fromEntries((state.nodes[0]?.pods ?? []).map((p) => [p.owner, p.state]));
    expect(byOwner).toEqual({ 'ReplicaSet/web': 'gone', 'ReplicaSet/db': 'stopped' });
    expect(cluster.node('worker-1')?.unschedulable).toBe(true);
  });

  it('on shutdown saves where it stands and throws, for another worker to resume', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2 }), ['worker-1', 'worker-2']);
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      minAvailable: 2,
    });
    const shutdown = new AbortController();
    const saved: DrainState[] = [];
    clock.sleep(5000).then(
      () => shutdown.abort(new Error('worker shutting down')),
      () => undefined,
    );

    await expect(
      clock.run(
        drainNodes(ports, drainOptions(), {
          signal: shutdown.signal,
          checkpoint: { save: async (s) => void saved.push(s) },
        }),
      ),
    ).rejects.toThrow('worker shutting down');

    const last = saved.at(-1);
    expect(last?.nodes[0]?.outcome).toBeUndefined();
    expect(last?.nodes[0]?.pods[0]?.state).toBe('pending');
  });

  it('resumed from a checkpoint, never evicts a pod twice and finishes the rest', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 6, graceSeconds: 20 }), [
      'worker-1',
      'worker-1',
      'worker-1',
      'worker-2',
      'worker-2',
      'worker-3',
    ]);
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      maxUnavailable: 1,
    });
    const first = new AbortController();
    const saved: DrainState[] = [];
    clock.sleep(1000).then(
      () => first.abort(new Error('worker died')),
      () => undefined,
    );
    await expect(
      clock.run(
        drainNodes(ports, drainOptions(), {
          signal: first.signal,
          checkpoint: { save: async (s) => void saved.push(s) },
        }),
      ),
    ).rejects.toThrow('worker died');
    const checkpoint = saved.at(-1);
    expect(checkpoint?.nodes[0]?.pods.filter((p) => p.state === 'evicted')).toHaveLength(2);

    const state = await clock.run(drainNodes(ports, drainOptions(), { signal: never, resume: checkpoint }));

    expect(state.runs).toBe(2);
    expect(state.nodes[0]?.outcome).toBe('drained');
    expect(Object.values(states(state))).toEqual(['gone', 'gone', 'gone']);
    expect([...cluster.acceptedEvictions.values()]).toEqual([1, 1, 1]);
  });

  it('records an eviction before sending it, so a resume whose predecessor lost the answers counts it', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 6, graceSeconds: 20 }), [
      'worker-1',
      'worker-1',
      'worker-1',
      'worker-2',
      'worker-2',
      'worker-3',
    ]);
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      maxUnavailable: 1,
    });
    const first = new AbortController();
    const saved: DrainState[] = [];
    clock.sleep(1000).then(
      () => first.abort(new Error('worker died')),
      () => undefined,
    );
    await expect(
      clock.run(
        drainNodes(ports, drainOptions(), {
          signal: first.signal,
          checkpoint: { save: async (s) => void saved.push(s) },
        }),
      ),
    ).rejects.toThrow('worker died');
    // The worker "died" right after the save that precedes the evictions: none of their answers is recorded.
    const beforeSend = saved.find((s) => s.nodes[0]?.pods.some((p) => p.sentAt !== undefined));
    expect(beforeSend?.nodes[0]?.pods.map((p) => p.state)).toEqual(['pending', 'pending', 'pending']);
    const acceptedBefore = cluster.acceptedEvictions.size;
    expect(acceptedBefore).toBeGreaterThan(0);

    let told: string | undefined;
    const state = await clock.run(
      drainNodes(ports, drainOptions(), {
        signal: never,
        resume: beforeSend,
        listener: {
          resumed: (s) => {
            told = drainResumedMessage(s).text;
          },
        },
      }),
    );

    expect(told).toContain(
      `${acceptedBefore} pod${acceptedBefore === 1 ? ' was' : 's were'} evicted before; continuing with 3 not yet gone`,
    );
    expect(state.nodes[0]?.outcome).toBe('drained');
    expect(state.nodes[0]?.pods.filter((p) => p.evictedAt !== undefined)).toHaveLength(3);
    expect([...cluster.acceptedEvictions.values()]).toEqual([1, 1, 1]);
  });

  it('gives up on a pod the eviction API refuses for good (two budgets), and drains the rest', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2 }), ['worker-1', 'worker-2']);
    cluster.addWorkload(web({ name: 'api', labels: { app: 'api' }, replicas: 1, graceSeconds: 1 }), [
      'worker-1',
    ]);
    cluster.addBudget({
      namespace: 'shop',
      name: 'a',
      selector: { matchLabels: { app: 'web' } },
      maxUnavailable: 1,
    });
    cluster.addBudget({ namespace: 'shop', name: 'b', selector: {}, maxUnavailable: 1 });

    const state = await clock.run(drainNodes(ports, drainOptions(), { signal: never }));

    const web1 = state.nodes[0]?.pods.find((p) => p.owner === 'ReplicaSet/web');
    expect(web1?.state).toBe('failed');
    expect(web1?.reason).toBe(
      `error when evicting pods/"${web1?.name}" -n "shop": This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.`,
    );
    expect(state.nodes[0]?.outcome).toBe('failed');
  });

  it('retries after network errors and after Retry-After for a budget still being processed', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 2, graceSeconds: 1 }), ['worker-1', 'worker-2']);
    cluster.addBudget({
      namespace: 'shop',
      name: 'web-pdb',
      selector: { matchLabels: { app: 'web' } },
      maxUnavailable: 1,
      stale: true,
    });
    cluster.failNextEvictions = 2;
    clock.sleep(3000).then(
      () => cluster.setBudget('shop', 'web-pdb', { stale: false }),
      () => undefined,
    );
    const started = clock.now();

    const state = await clock.run(drainNodes(ports, drainOptions(), { signal: never }));

    expect(state.nodes[0]?.outcome).toBe('drained');
    const evictedAfter = (state.nodes[0]?.pods[0]?.evictedAt ?? 0) - started;
    expect(evictedAfter).toBeGreaterThanOrEqual(3000);
    expect(evictedAfter).toBeLessThanOrEqual(11_000);
  });

  it('names a missing node and suggests the near miss before changing anything', async () => {
    const { clock, cluster, ports } = drainRig();

    const error = await clock
      .run(drainNodes(ports, drainOptions({ nodes: ['worker-1', 'wokrer-2'] }), { signal: never }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BosunError);
    expect(error).toMatchObject({
      code: 'NODE_NOT_FOUND',
      message: 'There is no node `wokrer-2` on this cluster.',
      hint: 'Did you mean `worker-2` for `wokrer-2`?',
    });
    expect(cluster.node('worker-1')?.unschedulable).toBe(false);
  });

  it('cordons every node first, then drains them one after the other', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addNode('worker-4');
    cluster.addWorkload(web({ replicas: 2, graceSeconds: 2 }), ['worker-1', 'worker-2']);
    const cordoned: string[] = [];

    const state = await clock.run(
      drainNodes(ports, drainOptions({ nodes: ['worker-1', 'worker-2'] }), {
        signal: never,
        listener: { cordoned: (node) => void cordoned.push(node) },
      }),
    );

    expect(cordoned).toEqual(['worker-1', 'worker-2']);
    expect(state.nodes.map((n) => n.outcome)).toEqual(['drained', 'drained']);
    // Replacements went to the nodes that were never cordoned.
    expect(cluster.podsOn('worker-3').length + cluster.podsOn('worker-4').length).toBe(2);
  });
});
