import { RedisLocks } from '../../../src/adapters/redis/redis-locks.js';
import { producerConnection } from '../../../src/queue/connection.js';
import { Keys } from '../../../src/queue/keys.js';
import { RequestDecisions } from '../../../src/requests/request-decisions.js';
import { testPrefix, testRedis } from '../../support/redis.js';

const redis = producerConnection(testRedis());
const keys = new Keys(testPrefix(import.meta.url));
const locks = new RedisLocks(redis, keys);
const node = (name: string, on = 'prod') => ({ kind: 'node', cluster: on, node: name }) as const;
const cluster = { kind: 'cluster', cluster: 'staging' } as const;
const drainA = { requestId: 'r-aaaaaaaaaaaa', operation: 'drain' };
const drainB = { requestId: 'r-bbbbbbbbbbbb', operation: 'drain' };
const upgrade = { requestId: 'r-uuuuuuuuuuuu', operation: 'upgrade' };

afterAll(async () => {
  redis.disconnect();
});

describe('RedisLocks', () => {
  it('refuses a second request on a locked node and names the holder', async () => {
    const first = await locks.acquire(node('worker-1'), drainA, 30_000);
    const second = await locks.acquire(node('worker-1'), drainB, 30_000);

    expect(first.acquired).toBe(true);
    expect(second).toEqual({ acquired: false, heldBy: drainA, scope: node('worker-1') });
    expect((await locks.acquire(node('worker-2'), drainB, 30_000)).acquired).toBe(true);
  });

  it('lets the same request take its lock again with a higher fencing token, fencing off the old lease', async () => {
    const first = await locks.acquire(node('worker-3'), drainA, 30_000);
    const again = await locks.acquire(node('worker-3'), drainA, 30_000);
    if (!first.acquired || !again.acquired) throw new Error('expected both grants');

    expect(again.lease.token).toBeGreaterThan(first.lease.token);
    expect(await first.lease.renew()).toBe(false);
    await first.lease.release();
    expect(await locks.holder(node('worker-3'))).toMatchObject({
      requestId: drainA.requestId,
      token: again.lease.token,
    });
    expect(await again.lease.renew()).toBe(true);
  });

  it('keeps node operations off a cluster under a cluster lock, and the cluster lock off locked nodes', async () => {
    const busyNode = await locks.acquire(node('worker-4', 'staging'), drainA, 30_000);
    expect(await locks.acquire(cluster, upgrade, 30_000)).toEqual({
      acquired: false,
      heldBy: drainA,
      scope: node('worker-4', 'staging'),
    });
    if (busyNode.acquired) await busyNode.lease.release();

    const clusterLock = await locks.acquire(cluster, upgrade, 30_000);
    expect(clusterLock.acquired).toBe(true);
    expect(await locks.acquire(node('worker-5', 'staging'), drainB, 30_000)).toEqual({
      acquired: false,
      heldBy: upgrade,
      scope: cluster,
    });
    if (clusterLock.acquired) await clusterLock.lease.release();
    expect((await locks.acquire(node('worker-5', 'staging'), drainB, 30_000)).acquired).toBe(true);
  });

  it('takes back a lock that expired (or an empty Redis lost) with its own token when nobody else took it', async () => {
    const held = await locks.acquire(node('worker-7'), drainA, 30_000);
    if (!held.acquired) throw new Error('expected a grant');
    await redis.del(keys.nodeLock('prod', 'worker-7'), keys.nodeLocksOf('prod'));
    expect(await held.lease.renew()).toBe(true);
    expect(await locks.holder(node('worker-7'))).toMatchObject({ ...drainA, token: held.lease.token });
    // Back in the cluster's locked nodes: a cluster lock is refused while the node is held.
    expect((await locks.acquire({ kind: 'cluster', cluster: 'prod' }, upgrade, 30_000)).acquired).toBe(false);

    await redis.del(keys.nodeLock('prod', 'worker-7'));
    expect((await locks.acquire(node('worker-7'), drainB, 30_000)).acquired).toBe(true);
    expect(await held.lease.renew()).toBe(false);
  });

  it('does not take a node lock back under a cluster lock another request took meanwhile', async () => {
    const held = await locks.acquire(node('worker-1', 'qa'), drainA, 30_000);
    if (!held.acquired) throw new Error('expected a grant');
    await redis.del(keys.nodeLock('qa', 'worker-1'));
    expect((await locks.acquire({ kind: 'cluster', cluster: 'qa' }, upgrade, 30_000)).acquired).toBe(true);
    expect(await held.lease.renew()).toBe(false);
    expect(await locks.holder(node('worker-1', 'qa'))).toBeUndefined();
  });

  it('neither renews nor takes back the lease of a run whose request a later run took over', async () => {
    const request = keys.request('r-gggggggggggg');
    await redis.hset(request, 'fence', '1');
    const holder = { ...drainA, guard: { key: request, field: 'fence', value: '1' } };
    const first = await locks.acquire(node('worker-9'), holder, 30_000);
    if (!first.acquired) throw new Error('expected a grant');
    expect(await first.lease.renew()).toBe(true);
    await redis.del(keys.nodeLock('prod', 'worker-9'));
    expect(await first.lease.renew()).toBe(true);

    // Run 2 took the request over, drained, and released the node: run 1 must not get the lock back.
    await redis.hset(request, 'fence', '2');
    expect(await first.lease.renew()).toBe(false);
    await redis.del(keys.nodeLock('prod', 'worker-9'));
    expect(await first.lease.renew()).toBe(false);
    expect(await locks.holder(node('worker-9'))).toBeUndefined();
  });

  it('frees a lock whose holder stopped renewing it', async () => {
    const short = await locks.acquire(node('worker-6'), drainA, 100);
    expect(short.acquired).toBe(true);
    let taken = false;
    for (let i = 0; i < 50 && !taken; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      taken = (await locks.acquire(node('worker-6'), drainB, 30_000)).acquired;
    }
    expect(taken).toBe(true);
  });
});

describe('RequestDecisions', () => {
  it('delivers decisions in order, each once', async () => {
    const decisions = new RequestDecisions(redis, keys);
    const inbox = decisions.inbox('r-cccccccccccc');
    await decisions.send('r-cccccccccccc', {
      kind: 'skip-pod',
      pod: { namespace: 'shop', name: 'web-1' },
      by: 'UALICE',
    });
    await decisions.send('r-cccccccccccc', { kind: 'abort', by: 'UBOB' });
    await redis.rpush(keys.decisions('r-cccccccccccc'), '{"kind":"launch-missiles"}');

    expect(await inbox.take()).toEqual([
      { kind: 'skip-pod', pod: { namespace: 'shop', name: 'web-1' }, by: 'UALICE' },
      { kind: 'abort', by: 'UBOB' },
    ]);
    expect(await inbox.take()).toEqual([]);
  });
});
