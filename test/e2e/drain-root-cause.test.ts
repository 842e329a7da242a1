import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * What a drain says when a budget holds a pod because another pod of it is not Ready: the stuck explanation
 * names that pod and the scheduler's reason, and the summary says which replacements are not Ready and why.
 */
describe('a drain that waits on a replacement with nowhere to go', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-root-cause'),
      drain: { stuckAfterSeconds: 2 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('names the Pending replacement and the scheduler’s reason, then says where the pods went', async () => {
    const id = await rig.command('drain worker-1');
    const stuck = await rig.reply(id, /has waited .* for its disruption budget/);
    const pending = (
      await rig.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=cart' })
    ).items.find((p) => p.status?.phase === 'Pending' && !p.spec?.nodeName);
    const scheduler = pending?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message;
    expect(scheduler).toMatch(/^0\/3 nodes are available/);
    const said = JSON.stringify(stuck.blocks);
    expect(said).toContain('a pod of the budget is not Ready');
    expect(said).toContain(`\`shop/${pending?.metadata?.name}\`: Pending: ${scheduler}`);

    // The person leaves the held pod where it is; web's pods have nowhere to go either.
    await rig.standIn.click({ ts: stuck.ts, actionId: 'drain-skip-pod', user: 'UALICE', channel: 'COPS' });
    expect(await rig.ended(id)).toMatch(
      /Done \(worker-1 drained; \d+ of \d+ pods evicted in [^;]+; 3 replacements not Ready/,
    );
    const summary = JSON.stringify((await rig.reply(id, /Drain finished/)).blocks);
    expect(summary).toMatch(
      /ReplicaSet\/cart-[a-z0-9]+ in `shop`: 0\/1 replacements Ready · not Ready: `cart-[a-z0-9-]+`: Pending: 0\/3 nodes are available/,
    );
    expect(summary).toMatch(
      /ReplicaSet\/web-[a-z0-9]+ in `shop`: 0\/2 replacements Ready · not Ready: `web-/,
    );
  });
});
