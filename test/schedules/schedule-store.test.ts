import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { NewSchedule } from '../../src/ports/backup-schedules.js';
import { Keys } from '../../src/queue/keys.js';
import { SCHEDULES_QUEUE } from '../../src/queue/names.js';
import { ScheduleStore, schedulerId } from '../../src/schedules/schedule-store.js';
import { systemClock } from '../../src/shared/clock.js';
import { testPrefix, testRedisUrl } from '../support/redis.js';

/** The store against the test run's Redis and a real BullMQ queue (no worker: nothing fires here). */
describe('backup schedules in Redis', () => {
  const redis = new Redis(testRedisUrl());
  const keys = new Keys(testPrefix(import.meta.url));
  const queue = new Queue(SCHEDULES_QUEUE, { connection: redis, prefix: keys.bullPrefix });
  const now = Date.parse('2026-12-07T12:00:00Z');
  const store = new ScheduleStore(redis, keys, queue, { ...systemClock, now: () => now });
  const prod = store.forCluster('prod');
  const nightly: NewSchedule = {
    cluster: 'prod',
    cron: '0 2 * * *',
    tz: 'Europe/Amsterdam',
    keep: 7,
    onlyFailures: false,
    namespaces: [],
    excludeKinds: [],
    secrets: true,
    channel: 'COPS',
    createdBy: 'UALICE',
  };

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
  });

  it('stores a schedule as a BullMQ job scheduler with its cron and zone, and ids that read', async () => {
    const { schedule, created } = await prod.set(nightly);
    expect({ id: schedule.id, created }).toEqual({ id: 's1', created: true });
    const scheduler = await queue.getJobScheduler(schedulerId('prod', 's1'));
    expect({ pattern: scheduler?.pattern, tz: scheduler?.tz }).toEqual({
      pattern: '0 2 * * *',
      tz: 'Europe/Amsterdam',
    });
    const [view] = await prod.list();
    // 02:00 in Amsterdam is 01:00 UTC in December.
    expect(new Date(view?.next ?? 0).toISOString()).toMatch(/T01:00:00\.000Z$/);
  });

  it('setting the same cron, zone and scope again updates it instead of adding one', async () => {
    const again = await prod.set({ ...nightly, keep: 3, onlyFailures: true });
    expect({ id: again.schedule.id, created: again.created, keep: again.schedule.keep }).toEqual({
      id: 's1',
      created: false,
      keep: 3,
    });
    const other = await prod.set({ ...nightly, cron: '0 */6 * * *' });
    expect(other.schedule.id).toBe('s2');
    expect((await prod.list()).map((v) => v.schedule.id)).toEqual(['s1', 's2']);
    expect(await store.forCluster('staging').list()).toEqual([]);
  });

  it('delete removes the job scheduler and the state; an unknown id is reported as such', async () => {
    await store.updateState('prod', 's2', { lastRun: { at: now, ok: false, reason: 'disk full' } });
    expect(await prod.delete('s2')).toBe(true);
    expect(await queue.getJobScheduler(schedulerId('prod', 's2'))).toBeUndefined();
    expect(await store.state('prod', 's2')).toEqual({});
    expect(await prod.delete('s2')).toBe(false);
    expect((await prod.list()).map((v) => v.schedule.id)).toEqual(['s1']);
  });

  it('keeps state fields apart: clearing one leaves the others', async () => {
    await store.updateState('prod', 's1', {
      lastGood: { at: now, backupId: '20261207-120000-aaaa' },
      failures: { reason: 'x', count: 2, since: now, notice: 'n' },
    });
    await store.updateState('prod', 's1', { failures: undefined, missedFor: now });
    expect(await store.state('prod', 's1')).toEqual({
      lastGood: { at: now, backupId: '20261207-120000-aaaa' },
      missedFor: now,
    });
  });
});
