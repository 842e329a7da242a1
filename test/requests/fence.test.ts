import { Redis } from 'ioredis';
import { AuditLog } from '../../src/audit/audit-log.js';
import { notice } from '../../src/messages/notice.js';
import { Keys } from '../../src/queue/keys.js';
import { RequestStore } from '../../src/requests/request-store.js';
import { SupersededError } from '../../src/requests/superseded.js';
import { testPrefix, testRedisUrl } from '../support/redis.js';

/**
 * Each run of a request takes it over with a fence one higher than the last; a run's state changes, card
 * updates, thread replies and audit entries are refused in Redis once a later run took it over. Writers
 * outside a run (the bot, the reconciler) pass no fence and are not refused.
 */
describe('fenced request state', () => {
  const redis = new Redis(testRedisUrl());
  const keys = new Keys(testPrefix(import.meta.url));
  const store = new RequestStore(redis, keys);
  const audit = new AuditLog(redis, keys.audit(), { maxEntries: 1000 });
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
    const entry = {
      event: 'job-step' as const,
      requestId: id,
      user: 'UALICE',
      outcome: 'reply',
      detail: 'stale',
    };
    expect(await audit.recordIf(store.fenceOf(id, stale), entry)).toBeUndefined();
    expect((await store.get(id))?.state).toBe('running');
    expect((await store.cardState(id)).card).toEqual(notice('info', 'queued'));

    expect(await store.nextSeq(id, current)).toBe(1);
    expect(await audit.recordIf(store.fenceOf(id, current), { ...entry, detail: 'current' })).toBeDefined();
    expect(await store.transition(id, 'succeeded', 'drained', current)).toBe(true);
    const { records } = await audit.list({ sinceSeconds: 60, requestId: id });
    expect(records.map((r) => r.detail)).toEqual(['current']);
  });

  it('lets writers outside a run through, and ends a request once', async () => {
    const id = await open();
    await store.takeOver(id);
    expect(await store.transition(id, 'cancelled', 'by UBOB')).toBe(true);
    expect(await store.takeOver(id)).toBe(0);
    expect(await store.transition(id, 'succeeded')).toBe(false);
  });
});
