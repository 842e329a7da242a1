import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { ScenarioInput } from '../../../src/sim/index.js';
import { KUBECTL_EDGES } from '../../support/kubectl.js';
import { eventually, gone, type SimRig, startSimRig } from '../../support/sim.js';

const scenario: ScenarioInput = {
  name: 'volumes',
  nodes: [{ role: 'control-plane' }, { role: 'worker', count: 2 }],
  workloads: [
    {
      kind: 'StatefulSet',
      name: 'db',
      namespace: 'data',
      replicas: 2,
      volumeClaims: [{ name: 'data', storageClassName: 'local', storage: '5Gi' }],
    },
  ],
};

let rig: SimRig;
beforeAll(async () => {
  rig = await startSimRig({ scenario });
});
afterAll(async () => {
  await rig?.stop();
});

const bound = (namespace: string, name: string) =>
  eventually(`claim ${namespace}/${name} to be Bound`, async () => {
    const claim = await rig.core.readNamespacedPersistentVolumeClaim({ namespace, name });
    return claim.status?.phase === 'Bound' ? claim : undefined;
  });

function podUsing(name: string, claimName: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      containers: [
        { name: 'app', image: 'registry.k8s.io/pause:3.10', volumeMounts: [{ name: 'v', mountPath: '/v' }] },
      ],
      volumes: [{ name: 'v', persistentVolumeClaim: { claimName } }],
      terminationGracePeriodSeconds: 0,
    },
  };
}

function claim(name: string, storageClassName?: string): V1PersistentVolumeClaim {
  return {
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      ...(storageClassName !== undefined ? { storageClassName } : {}),
    },
  };
}

describe('volumes', () => {
  it('83: StatefulSet claims from volumeClaimTemplates, on local volumes pinned to the node their pod runs on', async () => {
    const claims = (await rig.core.listNamespacedPersistentVolumeClaim({ namespace: 'data' })).items;
    expect(claims.map((c) => c.metadata?.name).sort()).toEqual(['data-db-0', 'data-db-1']);
    for (const ordinal of [0, 1]) {
      const name = `data-db-${ordinal}`;
      const claim = await bound('data', name);
      const pod = await rig.core.readNamespacedPod({ namespace: 'data', name: `db-${ordinal}` });
      expect(pod.spec?.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: name } });
      expect(claim.metadata?.labels).toEqual({ app: 'db' });
      // persistentVolumeClaimRetentionPolicy Retain: the claim outlives the set, no owner reference.
      expect(claim.metadata?.ownerReferences).toBeUndefined();
      expect(claim.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
      expect(claim.spec?.storageClassName).toBe('local');
      expect(claim.spec?.volumeName).toBe(`pvc-${claim.metadata?.uid}`);
      expect(claim.metadata?.annotations).toEqual({
        'pv.kubernetes.io/bind-completed': 'yes',
        'pv.kubernetes.io/bound-by-controller': 'yes',
        'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
        'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
        'volume.kubernetes.io/selected-node': pod.spec?.nodeName,
      });
      expect(claim.status).toEqual({
        phase: 'Bound',
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: '5Gi' },
      });
      const volume = await rig.core.readPersistentVolume({ name: claim.spec?.volumeName ?? '' });
      expect(volume.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection']);
      expect(volume.spec?.claimRef).toMatchObject({
        kind: 'PersistentVolumeClaim',
        namespace: 'data',
        name,
        uid: claim.metadata?.uid,
      });
      expect(volume.spec?.local?.path).toBeDefined();
      expect(volume.spec?.nodeAffinity?.required?.nodeSelectorTerms).toEqual([
        {
          matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [pod.spec?.nodeName] }],
        },
      ]);
      expect(volume.status?.phase).toBe('Bound');
    }
    for (const minor of KUBECTL_EDGES) {
      const kubectl = await rig.kubectl(minor);
      const shown = await kubectl.run([
        'get',
        'pvc',
        'data-db-0',
        '-n',
        'data',
        '-o',
        'jsonpath={.status.phase} {.spec.storageClassName} {.spec.volumeName}',
      ]);
      const claim = await rig.core.readNamespacedPersistentVolumeClaim({
        namespace: 'data',
        name: 'data-db-0',
      });
      expect(shown.stdout).toBe(`Bound local ${claim.spec?.volumeName}`);
      const sc = await kubectl.run([
        'get',
        'storageclass',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}={.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class}/{.volumeBindingMode} {end}',
      ]);
      expect(sc.stdout.trim()).toBe('local=/WaitForFirstConsumer standard=true/Immediate');
    }
  });

  it('84: a claim naming no class gets the default class and is provisioned at once on network storage', async () => {
    const created = await rig.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: claim('plain'),
    });
    expect(created.spec?.storageClassName).toBe('standard');
    expect(created.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    const claimed = await bound('default', 'plain');
    expect(claimed.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
    const volume = await rig.core.readPersistentVolume({ name: `pvc-${created.metadata?.uid}` });
    expect(volume.spec?.nodeAffinity).toBeUndefined();
    expect(volume.spec?.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(volume.spec?.storageClassName).toBe('standard');
    expect(volume.metadata?.annotations?.['pv.kubernetes.io/provisioned-by']).toBe('network.sim.bosun.dev');
    // An explicit empty class is kept: no default, nothing provisioned.
    const classless = await rig.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: claim('classless', ''),
    });
    expect(classless.spec?.storageClassName).toBe('');
    for (const minor of KUBECTL_EDGES) {
      const kubectl = await rig.kubectl(minor);
      const pv = await kubectl.run([
        'get',
        'pv',
        `pvc-${created.metadata?.uid}`,
        '-o',
        'jsonpath={.status.phase} {.spec.claimRef.namespace}/{.spec.claimRef.name}',
      ]);
      expect(pv.stdout).toBe('Bound default/plain');
    }
  });

  it('85: a claim in use stays Terminating (pvc-protection); once its pod is gone it goes, and its volume with it', async () => {
    const created = await rig.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: claim('held'),
    });
    await rig.core.createNamespacedPod({ namespace: 'default', body: podUsing('holder', 'held') });
    await eventually('the holder to run', async () => {
      const pod = await rig.core.readNamespacedPod({ namespace: 'default', name: 'holder' });
      return pod.status?.phase === 'Running' ? true : undefined;
    });
    const volumeName = `pvc-${created.metadata?.uid}`;
    const kubectl = await rig.kubectl(KUBECTL_EDGES[1]);
    const deleted = await kubectl.run(['delete', 'pvc', 'held', '--wait=false']);
    expect(deleted.stdout.trim()).toBe('persistentvolumeclaim "held" deleted');
    const terminating = await rig.core.readNamespacedPersistentVolumeClaim({
      namespace: 'default',
      name: 'held',
    });
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    expect(terminating.metadata?.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    // Deleting the bound volume directly is held by pv-protection too.
    const old = await rig.kubectl(KUBECTL_EDGES[0]);
    expect((await old.run(['delete', 'pv', volumeName, '--wait=false'])).exitCode).toBe(0);
    const protectedVolume = await rig.core.readPersistentVolume({ name: volumeName });
    expect(protectedVolume.metadata?.deletionTimestamp).toBeDefined();
    expect(protectedVolume.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection']);

    await rig.core.deleteNamespacedPod({ namespace: 'default', name: 'holder', gracePeriodSeconds: 0 });
    await eventually('the claim to go', () =>
      gone(() => rig.core.readNamespacedPersistentVolumeClaim({ namespace: 'default', name: 'held' })),
    );
    await eventually('the volume to go', () =>
      gone(() => rig.core.readPersistentVolume({ name: volumeName })),
    );
  });

  it('86: a pod whose claim is missing stays Pending with the VolumeBinding message, and schedules once it exists', async () => {
    await rig.core.createNamespacedPod({ namespace: 'default', body: podUsing('waiting', 'later') });
    const pending = await eventually('the pod to be unschedulable', async () => {
      const pod = await rig.core.readNamespacedPod({ namespace: 'default', name: 'waiting' });
      const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
      return scheduled?.status === 'False' ? scheduled : undefined;
    });
    expect(pending.reason).toBe('Unschedulable');
    expect(pending.message).toBe(
      '0/3 nodes are available: persistentvolumeclaim "later" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    for (const minor of KUBECTL_EDGES) {
      const kubectl = await rig.kubectl(minor);
      const shown = await kubectl.run(['get', 'pod', 'waiting', '-o', 'jsonpath={.status.phase}']);
      expect(shown.stdout).toBe('Pending');
    }
    await rig.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: claim('later', 'local'),
    });
    const running = await eventually('the pod to run', async () => {
      const pod = await rig.core.readNamespacedPod({ namespace: 'default', name: 'waiting' });
      return pod.status?.phase === 'Running' ? pod : undefined;
    });
    const later = await bound('default', 'later');
    expect(later.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBe(running.spec?.nodeName);
  });

  it('87: a pod on a local volume fits only its node: the others have a volume node affinity conflict', async () => {
    const first = await rig.core.readNamespacedPod({ namespace: 'default', name: 'waiting' });
    const node = first.spec?.nodeName ?? '';
    await rig.core.patchNode({ name: node, body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    try {
      await rig.core.deleteNamespacedPod({ namespace: 'default', name: 'waiting', gracePeriodSeconds: 0 });
      await eventually('the pod to go', () =>
        gone(() => rig.core.readNamespacedPod({ namespace: 'default', name: 'waiting' })),
      );
      await rig.core.createNamespacedPod({ namespace: 'default', body: podUsing('waiting', 'later') });
      const pending = await eventually('the new pod to be unschedulable', async () => {
        const pod = await rig.core.readNamespacedPod({ namespace: 'default', name: 'waiting' });
        const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
        return scheduled?.status === 'False' ? scheduled : undefined;
      });
      expect(pending.message).toBe(
        '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      );
    } finally {
      await rig.core.patchNode({ name: node, body: [{ op: 'remove', path: '/spec/unschedulable' }] });
    }
    const back = await eventually('the pod to run on its node again', async () => {
      const pod = await rig.core.readNamespacedPod({ namespace: 'default', name: 'waiting' });
      return pod.status?.phase === 'Running' ? pod : undefined;
    });
    expect(back.spec?.nodeName).toBe(node);
  });

  it('88: persistentVolumeClaimRetentionPolicy whenDeleted Delete makes the set the claims’ owner', async () => {
    await rig.apps.createNamespacedStatefulSet({
      namespace: 'default',
      body: {
        metadata: { name: 'cache' },
        spec: {
          replicas: 1,
          serviceName: 'cache',
          selector: { matchLabels: { app: 'cache' } },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
          template: {
            metadata: { labels: { app: 'cache' } },
            spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'state', labels: { tier: 'cache' } },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
      },
    });
    const set = await rig.apps.readNamespacedStatefulSet({ namespace: 'default', name: 'cache' });
    const claimed = await bound('default', 'state-cache-0');
    expect(claimed.metadata?.labels).toEqual({ tier: 'cache', app: 'cache' });
    expect(claimed.spec?.storageClassName).toBe('standard');
    expect(claimed.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: 'cache',
        uid: set.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });
});
