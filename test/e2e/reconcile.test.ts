import { OPS_QUEUE } from '../../src/queue/names.js';
import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * Requests whose job Redis no longer has (a failover that lost the last writes, a job removed by hand): a
 * worker's sweep enqueues a queued one again, so it runs, and closes a running one with the truth, so no card
 * says "Running" forever; but a request whose run still goes on (its mark lives) is that run's to end. Real worker processes; the job is taken away in Redis, as a failover would.
 */
describe('the reconciler finishes or closes requests whose job is gone', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      timeScale: 1,
      inProcessWorker: false,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
      // A dead run's mark lives as long as its locks: short here, so the sweep closes its request soon.
      drain: { lockTtlMs: 3000 },
      intake: { reconcileEveryMs: 300, reconcileAfterMs: 500 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  const waitForState = (id: string, state: string) =>
    rig.standIn.waitFor(async () => ((await rig.requests.get(id))?.state === state ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 50,
      description: `${id} ${state}`,
    });

  it('enqueues a queued request again when its job is gone, and it runs once', async () => {
    const id = await rig.command('cordon worker-3');
    await waitForState(id, 'queued');
    // The record says queued a moment before the bot's add of the job lands.
    const job = await rig.standIn.waitFor(async () => (await rig.queue(OPS_QUEUE).getJob(id)) ?? undefined, {
      timeoutMs: 10_000,
      intervalMs: 20,
      description: `${id}'s job`,
    });
    await job?.remove();

    const worker = await rig.spawnWorker();
    expect(await rig.ended(id, 30_000)).toMatch(/Done/);
    expect(await rig.unschedulable('worker-3')).toBe(true);
    expect(
      rig
        .thread(id)
        .map((m) => m.text)
        .join('\n'),
    ).not.toMatch(/lost/);
    expect(await rig.requests.openBefore(Date.now())).not.toContain(id);
    worker.kill('SIGKILL');
    await worker.process;
  }, 60_000);

  it('closes a running drain whose job is gone as failed, saying it had started', async () => {
    const first = await rig.spawnWorker();
    const id = await rig.command('drain worker-1 --grace-period 2');
    await rig.evictionAccepted('shop/web-');
    first.kill('SIGKILL');
    await first.process;
    // Redis loses the job (and every other job of the queue) while no worker runs.
    await rig.queue(OPS_QUEUE).obliterate({ force: true });

    await rig.spawnWorker();
    const card = await rig.ended(id, 30_000);
    expect(card).toMatch(/Failed/);
    expect(card).toMatch(/its job was lost/);
    const line = await rig.reply(id, /lost this request's job/);
    expect(line.text).toMatch(/It had started/);
    expect((await rig.requests.get(id))?.state).toBe('failed');
    expect(await rig.requests.openBefore(Date.now())).not.toContain(id);
  }, 90_000);

  it('leaves a running drain to its run when Redis lost its job while the run goes on, and it ends Done', async () => {
    // Room for worker-2's pods: the nodes the cases above cordoned take pods again.
    for (const name of ['worker-1', 'worker-3']) {
      const node = await rig.core.readNode({ name });
      node.spec = { ...node.spec, unschedulable: false };
      await rig.core.replaceNode({ name, body: node });
    }
    const worker = await rig.spawnWorker();
    const id = await rig.command('drain worker-2 --grace-period 2');
    await rig.evictionAccepted('shop/');
    // The job goes (a failover that lost it, BullMQ failing it as stalled, someone removing it by hand); the
    // worker running it does not notice and drains on. The sweeps meet the request many times meanwhile.
    await rig.queue(OPS_QUEUE).obliterate({ force: true });

    const card = await rig.ended(id, 60_000);
    expect(card).toMatch(/Done \(worker-2 drained/);
    expect(
      rig
        .thread(id)
        .map((m) => m.text)
        .join('\n'),
    ).not.toMatch(/lost|Failed/);
    expect((await rig.requests.get(id))?.state).toBe('succeeded');
    worker.kill('SIGKILL');
    await worker.process;
  }, 90_000);
});
