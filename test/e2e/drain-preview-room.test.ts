import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * A drain whose pods can go nowhere: every other worker cordoned, the control plane tainted. The dry run says
 * so in words, counting the nodes by why they are left out, and the simulated kube-scheduler agrees once the
 * drain runs: the replacement stays Pending, unschedulable for the same reasons.
 */
describe('the drain preview when no node may take the pods', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({ scenario: e2eScenario('drain-e2e'), drain: { stuckAfterSeconds: 2 } });
    for (const node of ['worker-2', 'worker-3', 'worker-4']) {
      const id = await rig.command(`cordon ${node}`);
      expect(await rig.ended(id)).toMatch(new RegExp(`Done \\(${node} cordoned\\)`));
    }
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it('gives the reason, nodes counted by why, and the scheduler then leaves the replacement Pending', async () => {
    // Of what worker-1 runs, web and ledger can go nowhere; coredns tolerates the control plane's taint.
    const moving = await rig.toEvict('worker-1');
    const ledger = moving.find((p) => p.startsWith('payments/ledger-'));
    const web = moving.find((p) => p.startsWith('shop/web-'));
    expect(moving).toEqual([expect.stringMatching(/^kube-system\/coredns-/), ledger, web]);
    const id = await rig.command('drain worker-1 --dry-run');
    const reply = await rig.reply(id, /Dry run/);
    const room = (reply.blocks ?? [])
      .map((block) => (block.text as { text?: string } | undefined)?.text)
      .find((text) => text?.startsWith('*Room*'));
    expect(room).toBe(
      `*Room*: :warning: no schedulable node for ${ledger}, ${web}: 1 being drained, 3 cordoned, ` +
        '1 tainted node-role.kubernetes.io/control-plane. They would stay Pending. The other pod fits.',
    );
    expect(await rig.unschedulable('worker-1')).toBe(false);

    // The real drain: web's budget lets one pod go, and its replacement finds no node, as the preview said.
    const drain = await rig.command('drain worker-1');
    await rig.evictionAccepted('shop/web-');
    const pending = await rig.standIn.waitFor(
      async () => {
        const pods = await rig.core.listNamespacedPod({ namespace: 'shop' });
        return pods.items.find(
          (p) =>
            p.status?.phase === 'Pending' &&
            p.status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'),
        );
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'a web replacement Pending, unschedulable' },
    );
    expect(pending?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message).toMatch(
      /^0\/5 nodes are available: 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}, 4 node\(s\) were unschedulable\./,
    );
    await rig.command(`cancel ${drain}`);
    expect(await rig.ended(drain)).toMatch(/Cancelled/);
  });
});
