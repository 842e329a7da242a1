import { previewDrain } from '../../../src/ops/preview/drain-preview.js';
import { drainRig, web } from '../fakes/drain-rig.js';

const options = { nodes: ['worker-1'], force: false, deleteEmptyDirData: false, ignoreDaemonSets: true };

describe('previewDrain', () => {
  it('groups the pods to evict by owner, names the budgets that make the drain wait, and checks room', async () => {
    const { clock, cluster, ports } = drainRig();
    cluster.addWorkload(web({ replicas: 3 }), ['worker-1', 'worker-1', 'worker-2']);
    cluster.addWorkload(web({ name: 'db', labels: { app: 'db' }, replicas: 2 }), ['worker-1', 'worker-3']);
    cluster.addWorkload({ ...web({ name: 'ne', labels: { app: 'ne' } }), kind: 'DaemonSet' }, ['worker-1']);
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

    const preview = await previewDrain({ ...ports, capacity: cluster }, options, clock.now());

    expect(preview.evicting).toBe(3);
    expect(preview.nodes[0]?.groups).toEqual([
      { namespace: 'shop', owner: 'ReplicaSet/db', pods: [expect.stringMatching(/^db-/)] },
      {
        namespace: 'shop',
        owner: 'ReplicaSet/web',
        pods: [expect.stringMatching(/^web-/), expect.stringMatching(/^web-/)],
      },
    ]);
    expect(preview.nodes[0]?.warnings).toEqual([
      { message: 'ignoring DaemonSet-managed Pods', pods: [expect.stringMatching(/^shop\/ne-/)] },
    ]);
    expect(preview.budgets).toEqual([
      expect.objectContaining({
        name: 'db-pdb',
        minAvailable: 2,
        disruptionsAllowed: 0,
        evicting: 1,
        effect: 'blocks',
      }),
      expect.objectContaining({
        name: 'web-pdb',
        maxUnavailable: 1,
        disruptionsAllowed: 1,
        evicting: 2,
        effect: 'serializes',
      }),
    ]);
    expect(preview.room).toMatchObject({
      fits: true,
      pods: 3,
      nodes: ['worker-2', 'worker-3'],
      unplaced: [],
    });
    expect(cluster.node('worker-1')?.unschedulable).toBe(false);
    expect(cluster.evictionRequests.size).toBe(0);
  });

  it('says when the remaining nodes have no room, and what would refuse the drain', async () => {
    const { clock, cluster, ports } = drainRig();
    await cluster.setUnschedulable('worker-3', true);
    cluster.addWorkload(web({ replicas: 2, requests: { cpuMillis: 3000, memoryBytes: 2 ** 30 } }), [
      'worker-1',
      'worker-2',
    ]);
    cluster.addPod({ namespace: 'default', name: 'debug', nodeName: 'worker-1' });

    const preview = await previewDrain(
      { ...ports, capacity: cluster },
      { ...options, force: false },
      clock.now(),
    );

    expect(preview.nodes[0]?.errors).toEqual([
      {
        message: 'cannot delete Pods that declare no controller (use --force to override)',
        pods: ['default/debug'],
      },
    ]);
    const withForce = await previewDrain(
      { ...ports, capacity: cluster },
      { ...options, force: true },
      clock.now(),
    );
    expect(withForce.room).toMatchObject({
      fits: false,
      pods: 1,
      nodes: ['worker-2'],
      unplaced: [expect.stringMatching(/^shop\/web-/)],
    });
  });
});
