import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoordinationV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import { Queue } from 'bullmq';
import { type RedisEndpoint, workerConnection } from '../../../src/queue/connection.js';
import { Keys } from '../../../src/queue/keys.js';
import { OPS_QUEUE } from '../../../src/queue/names.js';
import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './node-ops-rig.js';

/**
 * Node operations from Slack, end to end: the Slack stand-in sends the command, the bot enqueues it, a worker
 * drains a simulated cluster; the thread and the cluster show the outcome. On the test run's Redis, or on the
 * one `redis()` names when the suite starts (test/redis-ha runs it on a Redis Cluster).
 */
export function nodeMaintenanceSuite(title: string, redis?: () => RedisEndpoint): void {
  describe(title, () => {
    let rig: NodeOpsRig;

    beforeAll(async () => {
      rig = await startNodeOpsRig({
        scenario: e2eScenario('drain-e2e'),
        drain: { stuckAfterSeconds: 2 },
        redis: redis?.(),
      });
    });
    afterAll(async () => {
      await rig?.stop();
    });

    it('previews a drain with --dry-run and changes nothing', async () => {
      const id = await rig.command('drain worker-1 --dry-run');
      const reply = await rig.reply(id, /Dry run/);
      expect(await rig.ended(id)).toMatch(/Done \(dry run: \d+ pods would be evicted; nothing changed\)/);
      expect(JSON.stringify(reply.blocks)).toContain('payments/ledger-pdb');
      expect(reply.text).toMatch(/Dry run: \d+ pods would be evicted/);
      expect(JSON.stringify(reply.blocks)).toContain(':no_entry: blocks now');
      expect(await rig.unschedulable('worker-1')).toBe(false);
      expect(rig.proxy.acceptedEvictions().size).toBe(0);
    });

    it('drains a node: cordons it, evicts its pods and lists each outcome', async () => {
      const id = await rig.command('drain worker-3');
      expect(await rig.ended(id)).toMatch(/Done \(worker-3 drained; (\d+) of \1 pods evicted/);
      const summary = await rig.reply(id, /Drain finished/);
      expect(summary.text).toContain('worker-3 drained');
      expect(JSON.stringify(summary.blocks)).toMatch(
        /shop\/web-[a-z0-9]+-[a-z0-9]{5}\s+ReplicaSet\/web-[a-z0-9]+\s+evicted/,
      );
      // Where the pods went, as the cluster has it: each web replacement counted on the node it runs on.
      const blocks = JSON.stringify(summary.blocks);
      expect(blocks).not.toContain('NODE ');
      const said = blocks.match(
        /ReplicaSet\/(web-[a-z0-9]+) in `shop`: (\d+)\/(\d+) replacements Ready: ([^\\"]+)/,
      );
      expect(said?.[2]).toBe(said?.[3]);
      const web = await rig.core.listNamespacedPod({ namespace: 'shop' });
      const readyOn = new Map<string, number>();
      for (const pod of web.items) {
        const owner = pod.metadata?.ownerReferences?.[0]?.name;
        const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        const node = pod.spec?.nodeName;
        if (owner === said?.[1] && ready && node && !pod.metadata?.deletionTimestamp)
          readyOn.set(node, (readyOn.get(node) ?? 0) + 1);
      }
      const places = [...(said?.[4] ?? '').matchAll(/(\S+) \((\d+)\)/g)];
      expect(places.length).toBeGreaterThan(0);
      for (const [, node, count] of places)
        expect(readyOn.get(node ?? '') ?? 0).toBeGreaterThanOrEqual(Number(count));
      const started = await rig.reply(id, /worker-3 cordoned; evicting \d+ pods/);
      expect(JSON.stringify(started.blocks)).toContain('ignoring DaemonSet-managed Pods');
      expect(await rig.unschedulable('worker-3')).toBe(true);
      const left = await rig.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=worker-3' });
      expect(left.items.every((p) => p.metadata?.ownerReferences?.[0]?.kind === 'DaemonSet')).toBe(true);
    });

    it('explains a pod its budget blocks, refuses a second drain of the node, and skips the pod on request', async () => {
      const id = await rig.command('drain worker-1');
      const stuck = await rig.reply(id, /has waited .* for its disruption budget/);
      const shownBefore = structuredClone(stuck.blocks);
      expect(JSON.stringify(stuck.blocks)).toContain('payments/ledger-pdb');
      expect(JSON.stringify(stuck.blocks)).toContain('allows *0* disruptions now');

      const second = await rig.command('drain worker-1', 'UBOB');
      expect(await rig.ended(second)).toMatch(/Failed/);
      const refusal = await rig.reply(second, /is busy/);
      expect(refusal.text).toMatch(
        new RegExp(`Node worker-1 is busy: drain <[^|]+\\|request ${id}> is running on it`),
      );
      const permalink = JSON.stringify(refusal.blocks).match(/<(http[^|>]+)\|request/)?.[1];
      expect(permalink).toBe(`${rig.standIn.url}/archives/COPS/p${rig.card(id)?.ts.replace('.', '')}`);

      await rig.standIn.click({ ts: stuck.ts, actionId: 'drain-skip-pod', user: 'UBOB', channel: 'COPS' });
      await rig.reply(id, /chose Skip this pod/);
      expect(await rig.ended(id)).toMatch(/Done \(worker-1 drained; \d+ of \d+ pods evicted/);
      // The explanation's buttons gave way to who chose what, and when.
      const resolved = await rig.standIn.waitFor(
        () =>
          rig
            .thread(id)
            .find((m) => m.ts === stuck.ts && /chose \*Skip this pod\*/.test(JSON.stringify(m.blocks))),
        { description: 'the stuck explanation without its buttons' },
      );
      expect(JSON.stringify(resolved.blocks)).toContain('<@UBOB> chose *Skip this pod* <!date^');
      expect(JSON.stringify(resolved.blocks)).not.toContain('"actions"');
      // A button of the ended drain, from a client that still shows it: a plain sentence, to the clicker only.
      await rig.standIn.click({
        ts: stuck.ts,
        actionId: 'drain-keep-waiting',
        user: 'UALICE',
        channel: 'COPS',
        shownBlocks: shownBefore,
      });
      const late = await rig.standIn.waitFor(() => rig.thread(id).find((m) => m.ephemeral), {
        description: 'the answer to a late click',
      });
      expect(late.ephemeral).toEqual({ user: 'UALICE' });
      expect(late.text).toMatch(
        new RegExp(`^This drain \\(${id}\\) already finished at .*; nothing was changed\\.$`),
      );
      expect(rig.standIn.messages('COPS').filter((m) => m.ephemeral && m.requestId === id)).toEqual([]);
      const summary = await rig.reply(id, /Drain finished/);
      expect(JSON.stringify(summary.blocks)).toMatch(
        /payments\/ledger-[^ ]+\s+ReplicaSet\/ledger-[a-z0-9]+\s+skipped \(by UBOB\)/,
      );
      expect(await rig.unschedulable('worker-1')).toBe(true);
    });

    it('aborts and uncordons when asked, leaving the blocked pod in place', async () => {
      const id = await rig.command('drain worker-2');
      const stuck = await rig.reply(id, /has waited .* for its disruption budget/);
      await rig.standIn.click({ ts: stuck.ts, actionId: 'drain-abort', user: 'UALICE', channel: 'COPS' });
      expect(await rig.ended(id)).toMatch(/Cancelled \(by <@UALICE>\)/);
      await rig.reply(id, /Cancelled by <@UALICE> while it ran/);
      const summary = await rig.reply(id, /Drain finished/);
      expect(JSON.stringify(summary.blocks)).toContain('The node is uncordoned again.');
      expect(await rig.unschedulable('worker-2')).toBe(false);
    });

    it('stops on /bosun cancel, leaves the node cordoned and says what moved', async () => {
      const id = await rig.command('drain worker-2');
      await rig.reply(id, /cordoned; evicting/);
      await rig.reply(id, /has waited .* for its disruption budget/);
      await rig.command(`cancel ${id}`, 'UBOB');
      expect(await rig.ended(id)).toMatch(/Cancelled \(by <@UBOB>\)/);
      // Who cancelled is in the thread too, after what the drain did.
      await rig.reply(id, /Cancelled by <@UBOB> while it ran/);
      const summary = await rig.reply(id, /Drain finished/);
      expect(JSON.stringify(summary.blocks)).toContain('drain cancelled');
      expect(JSON.stringify(summary.blocks)).toMatch(
        /ledger-[^ ]+\s+ReplicaSet\/ledger-[a-z0-9]+\s+not evicted \(stopped\)/,
      );
      expect(await rig.unschedulable('worker-2')).toBe(true);
      const uncordon = await rig.command('uncordon worker-2');
      expect(await rig.ended(uncordon)).toMatch(/Done/);
      expect(await rig.unschedulable('worker-2')).toBe(false);
    });

    it('cordons and uncordons in one message each, and tells only the author of a typo the node meant', async () => {
      const cordon = await rig.command('cordon worker-4');
      expect(await rig.ended(cordon)).toMatch(/Done \(worker-4 cordoned\)/);
      const card = JSON.stringify(rig.card(cordon)?.blocks);
      expect(card).toContain('New pods will not be scheduled there; running pods stay.');
      expect(card).not.toContain('details in the thread');
      const uncordon = await rig.command('uncordon worker-4');
      expect(await rig.ended(uncordon)).toMatch(/Done \(worker-4 uncordoned\)/);
      expect(rig.thread(cordon)).toHaveLength(0);
      expect(rig.thread(uncordon)).toHaveLength(0);

      const typo = await rig.command('cordon wroker-4', 'UBOB');
      const answer = await rig.standIn.waitFor(
        () => rig.standIn.messages('COPS').find((m) => m.requestId === typo && m.ephemeral),
        { timeoutMs: 20_000, description: 'the answer to the typo' },
      );
      expect(answer.ephemeral).toEqual({ user: 'UBOB' });
      expect(answer.text).toContain('/bosun cordon wroker-4');
      expect(answer.text).toContain('There is no node wroker-4 on this cluster.');
      expect(answer.text).toContain('Did you mean worker-4 for wroker-4?');
      expect(answer.text).toContain('Nothing was changed.');
      // Nothing stays in the channel: the card that said Queued is gone.
      await rig.standIn.waitFor(() => (rig.card(typo) === undefined ? true : undefined), {
        timeoutMs: 10_000,
        description: 'the typo card taken down',
      });
      expect((await rig.requests.get(typo))?.state).toBe('failed');
    });

    it('maintains a node: drain, "ready for maintenance", the button, Ready again, uncordon, report', async () => {
      const id = await rig.command('maintain worker-4 --reason "kernel update"');
      const ready = await rig.reply(id, /ready for maintenance/);
      expect(await rig.unschedulable('worker-4')).toBe(true);
      await rig.sim.nodes.setReady('worker-4', false);
      await rig.sim.nodes.setReady('worker-4', true);
      await rig.standIn.click({ ts: ready.ts, actionId: 'maintain-done', user: 'UALICE', channel: 'COPS' });
      expect(await rig.ended(id)).toMatch(/Done \(worker-4 maintained and back in service\)/);
      // One confirmation of the click: its line in the thread, no echo to the clicker.
      const report = await rig.reply(id, /is back: Ready and uncordoned/);
      expect(rig.thread(id).filter((m) => /says maintenance is done/.test(m.text))).toHaveLength(1);
      expect(rig.thread(id).filter((m) => m.ephemeral)).toEqual([]);
      // The button has done its work: it gives way to who pressed it and when.
      const pressed = await rig.standIn.waitFor(
        () =>
          rig
            .thread(id)
            .find((m) => m.ts === ready.ts && /pressed \*Maintenance done\*/.test(JSON.stringify(m.blocks))),
        { description: 'the ready message without its button' },
      );
      expect(JSON.stringify(pressed.blocks)).toContain('<@UALICE> pressed *Maintenance done* <!date^');
      expect(JSON.stringify(pressed.blocks)).not.toContain('"actions"');
      expect(JSON.stringify(report.blocks)).toMatch(
        /ReplicaSet\/web-[a-z0-9]+ in `shop`: (\d+)\/\1 replacements Ready: worker-/,
      );
      expect(await rig.unschedulable('worker-4')).toBe(false);
    });

    it('waits for "maintenance done" without holding a worker, and a cancel then leaves the node cordoned', async () => {
      const redis = workerConnection(rig.config.redis);
      const ops = new Queue(OPS_QUEUE, {
        connection: redis,
        prefix: new Keys(rig.config.redis.prefix).bullPrefix,
      });
      try {
        const id = await rig.command('maintain worker-4');
        const ready = await rig.reply(id, /ready for maintenance/);
        // Parked: delayed in the queue, not active in a worker.
        const job = await rig.standIn.waitFor(
          async () => ((await (await ops.getJob(id))?.getState()) === 'delayed' ? true : undefined),
          { timeoutMs: 10_000, description: 'the maintain job to wait as a delayed job' },
        );
        expect(job).toBe(true);
        const cancel = await rig.command(`cancel ${id}`, 'UALICE');
        await rig.standIn.waitFor(() =>
          rig.standIn.messages('COPS').find((m) => m.requestId === cancel && m.ephemeral?.user === 'UALICE'),
        );
        expect(await rig.ended(id)).toMatch(/Cancelled/);
        expect(await rig.unschedulable('worker-4')).toBe(true);
        // The button that no longer applies gives way to how it ended.
        const gone = await rig.standIn.waitFor(
          () =>
            rig
              .thread(id)
              .find((m) => m.ts === ready.ts && /No longer waiting/.test(JSON.stringify(m.blocks))),
          { description: 'the ready message without its button' },
        );
        expect(JSON.stringify(gone.blocks)).toContain(
          'No longer waiting: the maintenance was cancelled; the node stays cordoned.',
        );
        expect(JSON.stringify(gone.blocks)).not.toContain('"actions"');
        // Its node lock went with it: the node can be uncordoned.
        const uncordon = await rig.command('uncordon worker-4');
        expect(await rig.ended(uncordon)).toMatch(/Done \(worker-4 uncordoned\)/);
      } finally {
        await ops.close();
        redis.disconnect();
      }
    });

    it('acts on a button only for the request whose thread it is in: a "maintenance done" naming a drain changes nothing', async () => {
      // The maintenance first: it waits for its button parked, holding no worker, while the drain runs.
      const maintain = await rig.command('maintain worker-4');
      const ready = await rig.reply(maintain, /ready for maintenance/);
      const drain = await rig.command('drain worker-2');
      const stuck = await rig.reply(drain, /has waited .* for its disruption budget/);
      // Answers to a click in a thread are ephemeral replies in that thread.
      const refusals = () =>
        rig.standIn
          .messages('COPS')
          .flatMap((m) => [m, ...m.replies])
          .filter((m) => m.ephemeral?.user === 'UALICE' && /names a request other than the one/.test(m.text));

      // The maintenance's button, its value crafted to name the drain; the drain's skip, naming the maintenance.
      await rig.standIn.click({
        ts: ready.ts,
        actionId: 'maintain-done',
        user: 'UALICE',
        channel: 'COPS',
        value: JSON.stringify({ r: drain }),
      });
      await rig.standIn.waitFor(() => (refusals().length === 1 ? true : undefined), {
        timeoutMs: 10_000,
        description: 'the refusal of the crafted "maintenance done"',
      });
      await rig.standIn.click({
        ts: stuck.ts,
        actionId: 'drain-skip-pod',
        user: 'UALICE',
        channel: 'COPS',
        value: JSON.stringify({ r: maintain, ns: 'payments', pod: 'ledger' }),
      });
      await rig.standIn.waitFor(() => (refusals().length === 2 ? true : undefined), {
        timeoutMs: 10_000,
        description: 'the refusal of the crafted skip',
      });
      const said = (id: string) =>
        rig
          .thread(id)
          .map((m) => m.text)
          .join('\n');
      expect(said(drain)).not.toMatch(/chose/);
      expect(said(maintain)).not.toMatch(/chose|back: Ready/);
      expect(refusals()[0]?.text).toContain('Nothing was changed');

      // The buttons where they belong still work.
      await rig.standIn.click({ ts: stuck.ts, actionId: 'drain-abort', user: 'UALICE', channel: 'COPS' });
      expect(await rig.ended(drain)).toMatch(/Cancelled/);
      expect(await rig.unschedulable('worker-2')).toBe(false);
      await rig.command(`cancel ${maintain}`, 'UALICE');
      expect(await rig.ended(maintain)).toMatch(/Cancelled/);
      expect(await rig.ended(await rig.command('uncordon worker-4'))).toMatch(/Done \(worker-4 uncordoned\)/);
    });

    it("shows a running drain to the cluster as a Lease, and leaves a node another installation's Lease holds", async () => {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(rig.sim.kubeconfig());
      const leases = kubeConfig.makeApiClient(CoordinationV1Api);
      const read = (name: string) =>
        leases.readNamespacedLease({ name, namespace: 'kube-system' }).catch(() => undefined);

      const id = await rig.command('drain worker-2');
      await rig.reply(id, /has waited .* for its disruption budget/);
      const held = await read('bosun-node-worker-2');
      expect(held?.spec?.holderIdentity).toBe(`${rig.config.redis.prefix}/${id}`);
      expect(held?.metadata?.annotations?.['bosun.dev/operation']).toBe('drain');
      const stuck = await rig.reply(id, /has waited .* for its disruption budget/);
      await rig.standIn.click({ ts: stuck.ts, actionId: 'drain-abort', user: 'UALICE', channel: 'COPS' });
      expect(await rig.ended(id)).toMatch(/Cancelled/);
      await rig.standIn.waitFor(async () => ((await read('bosun-node-worker-2')) ? undefined : true), {
        timeoutMs: 10_000,
        description: 'the Lease to go with the lock',
      });

      // Another installation (its own Redis, the same cluster) works on worker-2.
      await leases.createNamespacedLease({
        namespace: 'kube-system',
        body: {
          metadata: {
            name: 'bosun-node-worker-2',
            labels: { 'app.kubernetes.io/managed-by': 'bosun' },
            annotations: { 'bosun.dev/request': 'r-otherinstall', 'bosun.dev/operation': 'maintain' },
          },
          spec: {
            holderIdentity: 'bosun-eu/r-otherinstall',
            leaseDurationSeconds: 300,
            renewTime: new V1MicroTime(Date.now()),
          },
        },
      });
      try {
        const refused = await rig.command('cordon worker-2', 'UBOB');
        expect(await rig.ended(refused)).toMatch(/Failed/);
        const why = await rig.reply(refused, /is busy/);
        expect(why.text).toContain(
          'Node worker-2 is busy: its Lease kube-system/bosun-node-worker-2 is held by bosun-eu/r-otherinstall (maintain), another bosun installation',
        );
        expect(await rig.unschedulable('worker-2')).toBe(false);
      } finally {
        await leases.deleteNamespacedLease({ name: 'bosun-node-worker-2', namespace: 'kube-system' });
      }
    });
  });
}
