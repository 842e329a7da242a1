import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * A worker process is killed (SIGKILL) halfway through a drain; another worker process picks the job up from
 * BullMQ, continues from the state recorded in the job's data, says so in the thread, and never evicts a pod
 * twice (counted at the API: accepted evictions per pod).
 */
describe('a drain survives the death of its worker', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      timeScale: 1,
      inProcessWorker: false,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('continues on another worker, says it resumed, and evicts each pod once', async () => {
    const first = await rig.spawnWorker();
    const toEvict = await rig.toEvict('worker-1');
    expect(toEvict.filter((p) => p.startsWith('shop/web-'))).toHaveLength(3);

    const id = await rig.command('drain worker-1 --grace-period 2');
    // Kill the worker once the budget has let the first web pod go and the others still wait their turn.
    await rig.standIn.waitFor(
      () => {
        const evicted = [...rig.proxy.acceptedEvictions().keys()].filter((p) => p.startsWith('shop/web-'));
        return evicted.length >= 1 ? evicted : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 20, description: 'the first web pod evicted' },
    );
    first.kill('SIGKILL');
    await first.process;
    // An eviction the dead worker had on the wire may still reach the API server: let the proxy settle.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const acceptedBeforeKill = [...rig.proxy.acceptedEvictions().keys()];
    expect(acceptedBeforeKill.filter((p) => p.startsWith('shop/web-')).length).toBeLessThan(3);

    await rig.spawnWorker();
    const resumed = await rig.reply(id, /Resumed by another worker/, 30_000);
    // The count is the API server's, although the dead worker may never have seen (or saved) those answers.
    const n = acceptedBeforeKill.length;
    expect(resumed.text).toContain(
      `Resumed by another worker: ${n} pod${n === 1 ? ' was' : 's were'} evicted before`,
    );
    expect(await rig.ended(id, 60_000)).toContain(
      `Done (worker-1 drained; ${toEvict.length} of ${toEvict.length} pods evicted`,
    );

    const accepted = rig.proxy.acceptedEvictions();
    expect([...accepted.keys()].sort()).toEqual(toEvict);
    expect([...accepted.values()].every((count) => count === 1)).toBe(true);
    expect(await rig.unschedulable('worker-1')).toBe(true);
    const summary = await rig.reply(id, /Drain finished/);
    expect(JSON.stringify(summary.blocks)).toContain('It was resumed 1 time by another worker.');
  }, 120_000);
});

describe('a drain survives a graceful worker restart', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      timeScale: 1,
      inProcessWorker: false,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('checkpoints on SIGTERM, keeps its node lock, and another worker finishes it', async () => {
    const first = await rig.spawnWorker();
    const id = await rig.command('drain worker-1 --grace-period 2');
    await rig.evictionAccepted('shop/web-');
    first.kill('SIGTERM');
    const exit = await first.process;
    expect(exit.exitCode).toBe(0);

    // Meanwhile the node is still this request's: another drain of it is refused.
    const other = await rig.command('cordon worker-1', 'UBOB');
    await rig.spawnWorker();
    expect((await rig.reply(other, /is busy/)).text).toContain(`request ${id}`);

    await rig.reply(id, /Resumed by another worker/, 30_000);
    expect(await rig.ended(id, 60_000)).toMatch(/Done \(worker-1 drained/);
    expect([...rig.proxy.acceptedEvictions().values()].every((count) => count === 1)).toBe(true);
  }, 120_000);
});
