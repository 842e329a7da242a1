import {
  type ControllerScaleLookup,
  computePdbStatus,
  disruptedPodTimeoutMs,
  podsSelectedBy,
} from '../../../src/sim/controllers/pdb-arithmetic.js';
import type { KubeObject } from '../../../src/sim/types.js';

const now = Date.parse('2026-11-25T12:00:00Z');

function pdb(
  spec: Record<string, unknown>,
  status: Record<string, unknown> = {},
  generation = 1,
): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web-pdb', namespace: 'shop', generation },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
    status,
  };
}

function pod(
  name: string,
  options: { ready?: boolean; terminating?: boolean; owner?: string } = {},
): KubeObject {
  const { ready = true, terminating = false, owner = 'rs-uid' } = options;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: 'web' },
      ...(terminating ? { deletionTimestamp: '2026-11-25T12:00:30Z' } : {}),
      ...(owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d9c', uid: owner, controller: true },
            ],
          }
        : {}),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const threeReplicas: ControllerScaleLookup = () => ({ uid: 'deploy-uid', scale: 3 });
const pods3 = [pod('web-1'), pod('web-2'), pod('web-3')];

describe('computePdbStatus (contract 4.2)', () => {
  it('3 replicas, minAvailable 2, 3 Ready: one disruption allowed', () => {
    const { status } = computePdbStatus(
      pdb({ minAvailable: 2 }),
      pods3,
      threeReplicas,
      now,
      disruptedPodTimeoutMs,
    );
    expect(status).toMatchObject({
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      disruptionsAllowed: 1,
      observedGeneration: 1,
      conditions: [
        { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', observedGeneration: 1 },
      ],
    });
  });

  it('maxUnavailable 50% of 3 rounds up to 2 unavailable: two disruptions allowed', () => {
    const { status } = computePdbStatus(
      pdb({ maxUnavailable: '50%' }),
      pods3,
      threeReplicas,
      now,
      disruptedPodTimeoutMs,
    );
    expect(status).toMatchObject({ desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 2 });
  });

  it('minAvailable 100% or maxUnavailable 0 allows nothing', () => {
    for (const spec of [{ minAvailable: '100%' }, { maxUnavailable: 0 }]) {
      const { status } = computePdbStatus(pdb(spec), pods3, threeReplicas, now, disruptedPodTimeoutMs);
      expect(status).toMatchObject({
        desiredHealthy: 3,
        disruptionsAllowed: 0,
        conditions: [{ status: 'False', reason: 'InsufficientPods' }],
      });
    }
  });

  it('minAvailable percentages round up against the controllers replicas', () => {
    const five: ControllerScaleLookup = () => ({ uid: 'd', scale: 5 });
    const pods = [pod('a'), pod('b'), pod('c'), pod('d'), pod('e')];
    const { status } = computePdbStatus(pdb({ minAvailable: '50%' }), pods, five, now, disruptedPodTimeoutMs);
    expect(status).toMatchObject({ desiredHealthy: 3, expectedPods: 5, disruptionsAllowed: 2 });
  });

  it('does not count terminating, not-Ready or recently disrupted pods as healthy', () => {
    const pods = [
      pod('web-1', { terminating: true }),
      pod('web-2', { ready: false }),
      pod('web-3'),
      pod('web-4'),
    ];
    const budget = pdb(
      { minAvailable: 1 },
      { disruptedPods: { 'web-4': '2026-11-25T11:59:30Z', 'web-1': '2026-11-25T11:59:30Z' } },
    );
    const { status, recheckAt } = computePdbStatus(budget, pods, threeReplicas, now, disruptedPodTimeoutMs);
    expect(status).toMatchObject({
      currentHealthy: 1,
      desiredHealthy: 1,
      expectedPods: 4,
      disruptionsAllowed: 0,
    });
    // web-1 is terminating, so its entry is confirmed and dropped; web-4's entry waits for its deletion
    expect(status.disruptedPods).toEqual({ 'web-4': '2026-11-25T11:59:30Z' });
    expect(recheckAt).toBe(Date.parse('2026-11-25T12:01:30Z'));
  });

  it('drops a disruptedPods entry not followed by a deletion within the timeout', () => {
    const budget = pdb({ minAvailable: 2 }, { disruptedPods: { 'web-3': '2026-11-25T11:57:00Z' } });
    const { status } = computePdbStatus(budget, pods3, threeReplicas, now, disruptedPodTimeoutMs);
    expect(status.disruptedPods).toBeUndefined();
    expect(status.disruptionsAllowed).toBe(1);
  });

  it('scales the disruptedPods expiry with the simulator time scale', () => {
    const budget = pdb({ minAvailable: 2 }, { disruptedPods: { 'web-3': '2026-11-25T11:59:59Z' } });
    const { status } = computePdbStatus(budget, pods3, threeReplicas, now, disruptedPodTimeoutMs * 0.001);
    expect(status.disruptedPods).toBeUndefined();
  });

  it('allows nothing while the budget expects no pods', () => {
    const { status } = computePdbStatus(
      pdb({ maxUnavailable: 1 }),
      [],
      threeReplicas,
      now,
      disruptedPodTimeoutMs,
    );
    expect(status).toMatchObject({ expectedPods: 0, desiredHealthy: 0, disruptionsAllowed: 0 });
  });

  it('sums the distinct controllers and ignores unmanaged pods', () => {
    const lookup: ControllerScaleLookup = (ref) => ({
      uid: ref.uid === 'a' ? 'deploy-a' : 'sts-b',
      scale: ref.uid === 'a' ? 2 : 3,
    });
    const pods = [
      pod('a1', { owner: 'a' }),
      pod('a2', { owner: 'a' }),
      pod('b0', { owner: 'b' }),
      pod('bare', { owner: '' }),
    ];
    const { status } = computePdbStatus(pdb({ maxUnavailable: 1 }), pods, lookup, now, disruptedPodTimeoutMs);
    expect(status).toMatchObject({
      expectedPods: 5,
      desiredHealthy: 4,
      currentHealthy: 4,
      disruptionsAllowed: 0,
    });
  });

  it('fails safe when a controller cannot be scaled, keeping the old observedGeneration', () => {
    const daemonSet: ControllerScaleLookup = () =>
      new Error('daemonsets.apps does not implement the scale subresource');
    const budget = pdb({ maxUnavailable: 1 }, { observedGeneration: 1, disruptionsAllowed: 1 }, 2);
    const { status } = computePdbStatus(budget, pods3, daemonSet, now, disruptedPodTimeoutMs);
    expect(status).toMatchObject({
      disruptionsAllowed: 0,
      observedGeneration: 1,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'False',
          reason: 'SyncFailed',
          message: 'daemonsets.apps does not implement the scale subresource',
        },
      ],
    });
  });

  it('reports a controllerRef that resolves to nothing', () => {
    const { status } = computePdbStatus(
      pdb({ maxUnavailable: 1 }),
      pods3,
      () => undefined,
      now,
      disruptedPodTimeoutMs,
    );
    expect(status.conditions[0]?.message).toBe('found no controllers for pod "web-1"');
  });
});

describe('podsSelectedBy', () => {
  it('selects nothing with a null selector and every pod of the namespace with {}', () => {
    const other = { ...pod('x'), metadata: { ...pod('x').metadata, namespace: 'other' } };
    expect(podsSelectedBy(pdb({ selector: null }), [...pods3, other])).toHaveLength(0);
    expect(podsSelectedBy(pdb({ selector: {} }), [...pods3, other])).toHaveLength(3);
  });
});
