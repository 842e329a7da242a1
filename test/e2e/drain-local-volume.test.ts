import { type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * The commonest stuck drain (the shipped `local-volume` scenario): a database pod on a node-local volume. Its
 * node drains, its replacement can only run there and stays Pending, and the drain of the other database worker
 * is held by the budget; bosun says why in the words of the scheduler's newest FailedScheduling Event.
 */
describe('a drain held by a replacement pinned to its local volume', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({ scenario: 'local-volume', drain: { stuckAfterSeconds: 2 } });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('drains the first database node, then explains the second is held by the Pending db pod', async () => {
    const nodeOf = async (name: string) =>
      (await rig.core.readNamespacedPod({ name, namespace: 'data' })).spec?.nodeName ?? '';
    const first = await nodeOf('db-0');
    const second = await nodeOf('db-1');
    const id = await rig.command(`drain ${first}`);
    expect(await rig.ended(id)).toMatch(new RegExp(`Done \\(${first} drained; .*replacements? not Ready`));
    const summary = JSON.stringify((await rig.reply(id, /Drain finished/)).blocks);
    expect(summary).toContain('volume node affinity conflict');

    const held = await rig.command(`drain ${second}`);
    const stuck = JSON.stringify((await rig.reply(held, /has waited .* for its disruption budget/)).blocks);
    expect(stuck).toContain('a pod of the budget is not Ready');
    // Both workers are cordoned now, so the scheduler's newest word is that they are unschedulable.
    const events = (
      await rig.core.listNamespacedEvent({
        namespace: 'data',
        fieldSelector: 'involvedObject.name=db-0,reason=FailedScheduling',
      })
    ).items;
    const newest = events
      .map((e) => ({
        message: e.message ?? '',
        at: new Date(e.series?.lastObservedTime ?? e.eventTime ?? 0),
      }))
      .sort((a, b) => b.at.getTime() - a.at.getTime())[0]?.message;
    expect(newest).toMatch(/^0\/3 nodes are available: .*2 node\(s\) were unschedulable/);
    expect(stuck).toContain(`\`data/db-0\`: Pending: ${newest}`);
  });
});
