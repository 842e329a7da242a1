import { Redis } from 'ioredis';
import {
  e2eScenario,
  type NodeOpsRig,
  OUTAGE_TIMINGS,
  startNodeOpsRig,
} from '../e2e/support/node-ops-rig.js';
import { type RedisSentinelRig, startRedisSentinel } from '../support/redis-ha.js';

/**
 * Bosun finds its Redis through a Sentinel. The master is killed (SIGKILL) in the middle of a drain run by a worker
 * process; the Sentinel promotes the replica, and bot and worker follow it there. Replication is asynchronous and
 * nothing waits for it before the kill, so the last writes the dead master acknowledged may be missing on the new
 * one (a lock renewal, a checkpoint, a card update), as in a real failover. The drain still finishes: every pod
 * that should go is evicted exactly once (counted at the API), the node stays cordoned, and the card, the thread
 * and the request record tell the same story.
 */
describe('a drain through Sentinel rides out the failover of its master', () => {
  let redis: RedisSentinelRig;
  let rig: NodeOpsRig;

  beforeAll(async () => {
    // The Sentinel counts the master down after 1 s without an answer (5 s by default), to keep the test short.
    redis = await startRedisSentinel({ downAfterMs: 1000 });
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      timeScale: 1,
      inProcessWorker: false,
      redis: redis.endpoint,
      ...OUTAGE_TIMINGS,
    });
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
    await redis?.close();
  });

  it('finishes the drain on the promoted replica, each pod evicted once, and tells one story', async () => {
    const worker = await rig.spawnWorker();
    let workerExit: string | undefined;
    void worker.process.then((result) => {
      workerExit = `the worker exited (code ${result.exitCode}, signal ${result.signal ?? 'none'})`;
    });
    const toEvict = await rig.toEvict('worker-1');
    expect(toEvict.filter((p) => p.startsWith('shop/web-'))).toHaveLength(3);
    const n = toEvict.length;

    const id = await rig.command('drain worker-1 --grace-period 2');
    // The budget lets one web pod go at a time: once the first is accepted, the others still wait their turn.
    await rig.evictionAccepted('shop/web-');
    await redis.killMaster();
    const evictedAtKill = [...rig.proxy.acceptedEvictions().keys()].filter((p) => p.startsWith('shop/web-'));
    expect(evictedAtKill.length).toBeLessThan(3); // the kill came mid-drain
    expect(await redis.failedOver(30_000)).toBe(redis.replicaPort);

    const card = await rig.ended(id, 60_000);
    expect(workerExit).toBeUndefined();
    expect(card).toMatch(/Done \(worker-1 drained/);
    expect(card).toContain(`${n} of ${n} pods evicted`);

    // Each pod that should go went, once, as the API server counted the evictions it accepted.
    const accepted = rig.proxy.acceptedEvictions();
    expect([...accepted.keys()].sort()).toEqual(toEvict);
    expect(Object.fromEntries(accepted)).toEqual(Object.fromEntries(toEvict.map((pod) => [pod, 1])));
    expect(await rig.unschedulable('worker-1')).toBe(true);

    // The thread agrees with the card: one start, one summary with every pod evicted, nothing lost or failed.
    const summary = await rig.reply(id, /Drain finished/);
    const thread = rig.thread(id);
    const texts = thread.map((m) => `${m.text}\n${JSON.stringify(m.blocks)}`);
    expect(texts.join('\n')).not.toMatch(/lost its lock|Failed/);
    expect(thread.filter((m) => /cordoned; evicting/.test(m.text)).map((m) => m.text)).toEqual([
      `worker-1 cordoned; evicting ${n} pods`,
    ]);
    expect(thread.filter((m) => /Drain finished/.test(m.text))).toHaveLength(1);
    const summaryBlocks = JSON.stringify(summary.blocks);
    expect(summaryBlocks).toContain(`*worker-1* drained in `);
    expect(summaryBlocks).toContain(`: ${n} pods evicted.`);
    for (const pod of toEvict) expect(summaryBlocks).toMatch(new RegExp(`${pod}\\s+\\S+\\s+evicted`));

    // The record says so too, on the new master, where bot and worker now are.
    expect((await rig.requests.get(id))?.state).toBe('succeeded');
    const promoted = new Redis({ host: '127.0.0.1', port: redis.replicaPort, lazyConnect: true });
    try {
      await promoted.connect();
      expect(String(await promoted.call('ROLE'))).toMatch(/^master/);
      const clients = String(await promoted.client('LIST'));
      expect(clients).toMatch(/ name=bosun-bot /);
      expect(clients).toMatch(/ name=bosun-worker-ops /);
    } finally {
      promoted.disconnect();
    }
  }, 120_000);
});
