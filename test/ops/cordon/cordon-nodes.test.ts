import { cordonNodes } from '../../../src/ops/cordon/cordon-nodes.js';
import { BosunError } from '../../../src/ops/errors.js';
import { drainRig } from '../fakes/drain-rig.js';

describe('cordonNodes', () => {
  it("cordons and uncordons with kubectl's lines, leaving nodes already in that state alone", async () => {
    const { cluster, ports } = drainRig();
    await cluster.setUnschedulable('worker-2', true);

    const cordoned = await cordonNodes(ports, ['worker-1', 'worker-2'], true);
    expect(cordoned.map((r) => r.line)).toEqual(['node/worker-1 cordoned', 'node/worker-2 already cordoned']);
    expect(cluster.node('worker-1')?.unschedulable).toBe(true);

    const uncordoned = await cordonNodes(ports, ['worker-1', 'worker-3'], false);
    expect(uncordoned.map((r) => r.line)).toEqual([
      'node/worker-1 uncordoned',
      'node/worker-3 already uncordoned',
    ]);
    expect(cluster.node('worker-1')?.unschedulable).toBe(false);
  });

  it('changes nothing when one node does not exist, and suggests the near miss', async () => {
    const { cluster, ports } = drainRig();

    const error = await cordonNodes(ports, ['worker-1', 'worker-9x'], true).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BosunError);
    expect(error).toMatchObject({
      code: 'NODE_NOT_FOUND',
      message: 'There is no node `worker-9x` on this cluster.',
    });
    expect(cluster.node('worker-1')?.unschedulable).toBe(false);
  });
});
