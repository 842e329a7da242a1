import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { notice } from '../../src/messages/notice.js';
import { Keys } from '../../src/queue/keys.js';
import { OPS_QUEUE } from '../../src/queue/names.js';
import { RequestStore } from '../../src/requests/request-store.js';
import { SupersededError } from '../../src/requests/superseded.js';
import { testPrefix, testRedisUrl } from '../support/redis.js';

/**
 * Each run of a request takes it over with a fence one higher than the last; a run's state changes, card
 * updates and thread replies are refused in Redis once a later run took it over (a run's audit entries follow
 * its state changes, src/requests/settle.ts, so they are refused with them). Writers
 * outside a run (the bot, the reconciler) pass no fence and are not refused.
 */
describe('fenced request state', () => {
  const redis = new Redis(testRedisUrl());
  const keys = new Keys(testPrefix(import.meta.url));
  const store = new RequestStore(redis, keys);
  let n = 0;

  const open = async () => {
    const id = `r-fence-${++n}`;
    const meta = { id, channel: 'COPS', user: 'UALICE', text: 'drain worker-1', requestedAt: Date.now() };
    await store.claim(meta, 'queued', notice('info', 'queued'), { name: 'drain', node: 'worker-1' });
    return id;
  };
  afterAll(() => redis.disconnect());

  it('refuses every write of a run once a later run took the request over', async () => {
    const id = await open();
    const stale = await store.takeOver(id);
    expect(await store.transition(id, 'running', '', stale)).toBe(true);
    const current = await store.takeOver(id);
    expect(current).toBe(stale + 1);

    await expect(store.transition(id, 'failed', 'lost its lock', stale)).rejects.toBeInstanceOf(
      SupersededError,
    );
    await expect(store.saveCard(id, notice('info', 'Running'), stale)).rejects.toBeInstanceOf(
      SupersededError,
    );
    await expect(store.nextSeq(id, stale)).rejects.toBeInstanceOf(SupersededError);
    expect((await store.get(id))?.state).toBe('running');
    expect((await store.cardState(id)).card).toEqual(notice('info', 'queued'));

    expect(await store.nextSeq(id, current)).toBe(1);
    expect(await store.transition(id, 'succeeded', 'drained', current)).toBe(true);
  });

  it('lets writers outside a run through, and ends a request once', async () => {
    const id = await open();
    await store.takeOver(id);
    expect(await store.transition(id, 'cancelled', 'by UBOB')).toBe(true);
    expect(await store.takeOver(id)).toBe(0);
    expect(await store.transition(id, 'succeeded')).toBe(false);
  });

  it('writes a running request back when Redis lost its record, and writes no half record without one', async () => {
    const id = await open();
    await store.setParent(id, '1700000000.000100', 1);
    const fence = await store.takeOver(id);
    expect(await store.transition(id, 'running', '', fence)).toBe(true);
    const record = await store.get(id);
    if (!record) throw new Error('no record');
    store.hold(record, fence);
    try {
      await redis.del(keys.request(id), keys.runAlive(id)); // Redis restarted empty
      expect(await store.runAlive(id)).toBe(false);

      expect(await store.saveCard(id, notice('info', 'Running: 3 evicted'), fence)).toBe(1);
      const back = await store.get(id);
      expect(back).toMatchObject({ state: 'running', parentTs: '1700000000.000100', text: 'drain worker-1' });
      expect((await store.cardState(id)).card).toEqual(notice('info', 'Running: 3 evicted'));
      expect(await store.runAlive(id)).toBe(true);
      expect(await store.openBefore(Date.now())).toContain(id);
      // The write-back keeps the fence: a stale run is still refused.
      await expect(store.nextSeq(id, fence - 1)).rejects.toBeInstanceOf(SupersededError);
      expect(await store.transition(id, 'succeeded', 'drained', fence)).toBe(true);
    } finally {
      store.release(id);
    }
    expect((await store.get(id))?.state).toBe('succeeded');

    // A run that holds nothing (or was released) writes nothing into a gone record: no half hash.
    await redis.del(keys.request(id));
    await expect(store.saveCard(id, notice('info', 'late'), fence)).rejects.toBeInstanceOf(SupersededError);
    await expect(store.nextSeq(id, fence)).rejects.toBeInstanceOf(SupersededError);
    expect(await redis.exists(keys.request(id))).toBe(0);
  });

  it("keeps a later run's hold when the earlier run of the same request on this worker ends", async () => {
    const id = await open();
    const first = await store.takeOver(id);
    const record = await store.get(id);
    if (!record) throw new Error('no record');
    store.hold(record, first);
    const second = await store.takeOver(id); // the job came back to this worker after a stall
    store.hold(record, second);
    store.release(id, first); // the earlier run stops
    try {
      await redis.del(keys.request(id)); // Redis restarted empty
      expect(await store.saveCard(id, notice('info', 'Running: 4 evicted'), second)).toBe(1);
      expect((await store.get(id))?.state).toBe('running');
      await expect(store.saveCard(id, notice('info', 'stale'), first)).rejects.toBeInstanceOf(
        SupersededError,
      );
    } finally {
      store.release(id, second);
    }
  });

  it('marks a run alive while it holds the request, and only that run ends its mark', async () => {
    const id = await open();
    const first = await store.takeOver(id);
    const record = await store.get(id);
    if (!record) throw new Error('no record');
    store.hold(record, first, 600);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await store.runAlive(id)).toBe(true);
    // Renewed: still alive after more than one mark's life.
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await store.runAlive(id)).toBe(true);
    const second = await store.takeOver(id);
    store.hold(record, second, 600);
    store.release(id, first); // the earlier run's end leaves the later run's mark
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.runAlive(id)).toBe(true);
    store.release(id, second);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store.runAlive(id)).toBe(false);
  });

  it("saves a run's checkpoint into its BullMQ job only while the run is the request's newest", async () => {
    const id = await open();
    const queue = new Queue(OPS_QUEUE, { connection: redis, prefix: keys.bullPrefix });
    try {
      const job = await queue.add('drain', { v: 1 }, { jobId: id });
      const where = { queue: OPS_QUEUE, id };
      const stale = await store.takeOver(id);
      await store.saveJobData(id, stale, where, { v: 1, drain: { evicted: ['shop/web-1'] } });
      // BullMQ reads it back as the job's data: the key is BullMQ's own.
      expect((await queue.getJob(id))?.data).toEqual({ v: 1, drain: { evicted: ['shop/web-1'] } });

      const current = await store.takeOver(id);
      await store.saveJobData(id, current, where, { v: 1, drain: { evicted: ['shop/web-1', 'shop/web-2'] } });
      await expect(
        store.saveJobData(id, stale, where, { v: 1, drain: { evicted: [] } }),
      ).rejects.toBeInstanceOf(SupersededError);
      expect((await queue.getJob(id))?.data).toEqual({
        v: 1,
        drain: { evicted: ['shop/web-1', 'shop/web-2'] },
      });

      await job.remove();
      await expect(store.saveJobData(id, current, where, { v: 1 })).rejects.toThrow(/is gone/);
      expect(await redis.exists(keys.job(OPS_QUEUE, id))).toBe(0);
    } finally {
      await queue.close();
    }
  });
});
