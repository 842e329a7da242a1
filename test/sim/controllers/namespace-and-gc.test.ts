import type { ScenarioInput } from '../../../src/sim/index.js';
import { eventually, gone, type SimRig, startSimRig } from '../../support/sim.js';

const scenario: ScenarioInput = {
  name: 'cleanup',
  nodes: [{ role: 'control-plane' }, { role: 'worker', count: 2 }],
  workloads: [
    { kind: 'Deployment', name: 'doomed', namespace: 'scratch', replicas: 2, pdb: { maxUnavailable: 1 } },
    { kind: 'StatefulSet', name: 'cache', namespace: 'scratch', replicas: 1 },
    { kind: 'Deployment', name: 'cascade', namespace: 'apps', replicas: 2 },
    { kind: 'Deployment', name: 'orphaner', namespace: 'apps', replicas: 2 },
  ],
};

let rig: SimRig;

beforeAll(async () => {
  rig = await startSimRig({ scenario, timeScale: 0.01 });
});

afterAll(async () => {
  await rig?.stop();
});

describe('namespace controller', () => {
  it('empties a Terminating namespace, then removes its finalizer and the namespace', async () => {
    await rig.core.deleteNamespace({ name: 'scratch' });
    const terminating = await rig.core.readNamespace({ name: 'scratch' });
    expect(terminating.status?.phase).toBe('Terminating');
    await eventually(
      'the namespace to go',
      () => gone(() => rig.core.readNamespace({ name: 'scratch' })),
      10_000,
    );
    expect((await rig.core.listNamespacedPod({ namespace: 'scratch' })).items).toEqual([]);
    expect((await rig.apps.listNamespacedDeployment({ namespace: 'scratch' })).items).toEqual([]);
    expect((await rig.policy.listNamespacedPodDisruptionBudget({ namespace: 'scratch' })).items).toEqual([]);
  });
});

describe('garbage collector', () => {
  it('removes the ReplicaSet and pods of a deleted Deployment', async () => {
    await rig.apps.deleteNamespacedDeployment({
      name: 'cascade',
      namespace: 'apps',
      propagationPolicy: 'Background',
    });
    await eventually('the ReplicaSet to go', async () => {
      const sets = (
        await rig.apps.listNamespacedReplicaSet({ namespace: 'apps', labelSelector: 'app=cascade' })
      ).items;
      return sets.length === 0 ? true : undefined;
    });
    await eventually('the pods to go', async () => {
      const pods = (await rig.core.listNamespacedPod({ namespace: 'apps', labelSelector: 'app=cascade' }))
        .items;
      return pods.length === 0 ? true : undefined;
    });
  });

  it('leaves the ReplicaSet running, without its owner reference, when the Deployment is deleted with Orphan', async () => {
    await rig.apps.deleteNamespacedDeployment({
      name: 'orphaner',
      namespace: 'apps',
      propagationPolicy: 'Orphan',
    });
    await eventually('the Deployment to go', () =>
      gone(() => rig.apps.readNamespacedDeployment({ name: 'orphaner', namespace: 'apps' })),
    );
    const [rs] = (
      await rig.apps.listNamespacedReplicaSet({ namespace: 'apps', labelSelector: 'app=orphaner' })
    ).items;
    expect(rs?.metadata?.ownerReferences ?? []).toEqual([]);
    expect(rs?.spec?.replicas).toBe(2);
    const pods = (await rig.core.listNamespacedPod({ namespace: 'apps', labelSelector: 'app=orphaner' }))
      .items;
    expect(pods.filter((p) => !p.metadata?.deletionTimestamp)).toHaveLength(2);
  });

  it('leaves Events alone, as kube-controller-manager does: an Event naming a deleted owner stays', async () => {
    const owner = await rig.core.createNamespacedConfigMap({
      namespace: 'apps',
      body: { metadata: { name: 'gc-owner' } },
    });
    const ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'gc-owner', uid: owner.metadata?.uid ?? '' },
    ];
    await rig.core.createNamespacedConfigMap({
      namespace: 'apps',
      body: { metadata: { name: 'gc-dependent', ownerReferences } },
    });
    await rig.core.createNamespacedEvent({
      namespace: 'apps',
      body: {
        metadata: { name: 'gc-owner.1', ownerReferences },
        involvedObject: { kind: 'ConfigMap', namespace: 'apps', name: 'gc-owner' },
        reason: 'Noted',
        message: 'an event with an owner',
        type: 'Normal',
      },
    });
    await rig.core.deleteNamespacedConfigMap({ name: 'gc-owner', namespace: 'apps' });
    await eventually('the dependent ConfigMap to be collected', () =>
      gone(() => rig.core.readNamespacedConfigMap({ name: 'gc-dependent', namespace: 'apps' })),
    );
    const event = await rig.core.readNamespacedEvent({ name: 'gc-owner.1', namespace: 'apps' });
    expect(event.message).toBe('an event with an owner');
  });
});
