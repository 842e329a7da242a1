import { type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * Drains kubectl's filters refuse, on the stock sandbox (the `small` scenario), whose `shop/api` pods hold
 * emptyDir data. `maintain` takes the drain's options, so the advice a refusal gives works there too; a dry
 * run says the drain would be refused; a drain policy wants approved is refused before anyone is asked.
 */
describe('drains that kubectl would refuse, on the stock sandbox', () => {
  let rig: NodeOpsRig;
  let node: string;
  let emptyDirPod: string;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: 'small',
      policy: { rules: [{ commands: ['drain'], approvals: 1, approvers: { users: ['UALICE', 'UBOB'] } }] },
    });
    const pods = await rig.core.listNamespacedPod({ namespace: 'shop' });
    const withEmptyDir = pods.items.find(
      (p) => p.spec?.volumes?.some((v) => v.emptyDir) && p.spec?.nodeName?.startsWith('worker-'),
    );
    if (!withEmptyDir?.spec?.nodeName)
      throw new Error('the small scenario has no worker pod with emptyDir data');
    node = withEmptyDir.spec.nodeName;
    emptyDirPod = `shop/${withEmptyDir.metadata?.name}`;
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('a dry run says the drain would be refused and which flag changes that', async () => {
    const id = await rig.command(`drain ${node} --dry-run`);
    expect(await rig.ended(id)).toMatch(
      /Done \(dry run: the drain would be refused without --delete-emptydir-data; nothing changed\)/,
    );
    const reply = await rig.reply(id, /Dry run: the drain would be refused/);
    expect(reply.text).toContain(emptyDirPod);
    expect(JSON.stringify(reply.blocks)).toContain('--delete-emptydir-data');
    expect(await rig.unschedulable(node)).toBe(false);
  });

  it('refuses a drain that needs approval before anyone is asked, saying which flag changes that', async () => {
    const id = await rig.command(`drain ${node}`);
    const card = await rig.ended(id);
    expect(card).toMatch(new RegExp(`Failed \\(${node} cannot be drained as asked: Pods with local storage`));
    const top = rig.standIn.messages('COPS').find((m) => m.requestId === id);
    expect(JSON.stringify(top?.blocks)).not.toMatch(/approve/i);
    const line = await rig.reply(id, /cannot be drained as asked/);
    expect(`${line.text}\n${JSON.stringify(line.blocks)}`).toContain('--delete-emptydir-data');
    expect(await rig.unschedulable(node)).toBe(false);
    expect(rig.proxy.acceptedEvictions().size).toBe(0);
  });

  it('maintain stops on emptyDir data with advice it accepts, and following it maintains the node', async () => {
    const first = await rig.command(`maintain ${node} --reason "kernel update"`);
    expect(await rig.ended(first)).toMatch(/Failed/);
    const refusal = await rig.reply(first, /drain refused/);
    const said = `${refusal.text}\n${JSON.stringify(refusal.blocks)}`;
    expect(said).toContain('--delete-emptydir-data');
    // Its summary names what refused it, not "0 of 0 pods evicted".
    expect(await rig.ended(first)).toMatch(/cannot be drained as asked|refused/);

    const second = await rig.command(`maintain ${node} --reason "kernel update" --delete-emptydir-data`);
    const ready = await rig.reply(second, /ready for maintenance/);
    expect(await rig.unschedulable(node)).toBe(true);
    const left = await rig.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
    expect(left.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).not.toContain(emptyDirPod);
    await rig.standIn.click({ ts: ready.ts, actionId: 'maintain-done', user: 'UALICE', channel: 'COPS' });
    expect(await rig.ended(second)).toMatch(new RegExp(`Done \\(${node} maintained and back in service\\)`));
    expect(await rig.unschedulable(node)).toBe(false);
  }, 90_000);
});
