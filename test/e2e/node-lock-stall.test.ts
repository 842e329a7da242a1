import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

const EVICTION = /^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/eviction$/;

/**
 * A worker frozen (SIGSTOP) mid-drain for longer than its job lock and its node lock, while a second drain of
 * the same node is asked and another worker starts. Whichever request gets the node, only one drains it: the
 * frozen worker, woken (SIGCONT), sends no eviction, because every change it makes waits until its locks are
 * renewed, and they are not: its request was taken over, so its lease is neither renewed nor taken back.
 */
describe('a worker stalled past its node lock while a second drain is asked', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      timeScale: 1,
      inProcessWorker: false,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
      // The shortest node lock the config accepts: as long as the job lock.
      drain: { lockTtlMs: 2000 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('never has two drains acting on the node, and the woken worker evicts nothing', async () => {
    const frozen = await rig.spawnWorker();
    const first = await rig.command('drain worker-1 --grace-period 2');
    await rig.evictionAccepted('shop/web-');
    frozen.kill('SIGSTOP');
    // Past the job lock (2 s) and the node lock (2 s, or 3 s with one stalled-job check): nothing is renewed.
    await new Promise((resolve) => setTimeout(resolve, 3500));

    const second = await rig.command('drain worker-1 --grace-period 2', 'UBOB');
    await rig.spawnWorker();
    const outcomes = [await rig.ended(first, 60_000), await rig.ended(second, 60_000)];
    expect(outcomes.filter((text) => /: Done \(worker-1 drained/.test(text))).toHaveLength(1);
    const refused = outcomes.findIndex((text) => !/: Done/.test(text));
    const refusedId = refused === 0 ? first : second;
    expect((await rig.reply(refusedId, /is busy/)).text).toContain(refused === 0 ? second : first);
    const callsBeforeWaking = rig.proxy.calls.length;

    frozen.kill('SIGCONT');
    await rig.standIn.waitFor(
      () => (/another worker took this request over|lost the lock/.test(frozen.output()) ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 50, description: 'the woken worker to notice it was replaced' },
    );
    // Give anything the woken worker might still send the time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const afterWaking = rig.proxy.calls.slice(callsBeforeWaking);
    expect(afterWaking.filter((call) => call.method === 'POST' && EVICTION.test(call.path))).toEqual([]);
    expect([...rig.proxy.acceptedEvictions().values()].every((count) => count === 1)).toBe(true);
    expect(await rig.unschedulable('worker-1')).toBe(true);
    frozen.kill('SIGKILL');
    await frozen.process;
  }, 120_000);
});
