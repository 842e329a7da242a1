import { ApprovalStore, type NewApproval } from '../../src/approvals/approval-store.js';
import { producerConnection, type RedisClient } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { testPrefix, testRedis } from '../support/redis.js';

const T0 = Date.parse('2026-11-25T10:00:00Z');
let serial = 0;

function approval(extra: Partial<NewApproval> = {}): NewApproval {
  serial += 1;
  return {
    requestId: `r-store${String(serial).padStart(7, '0')}`,
    phase: 'start',
    channel: 'COPS',
    requester: 'UALICE',
    cluster: 'prod',
    text: 'drain worker-1',
    summary: '/bosun drain worker-1',
    needed: 1,
    selfApproval: false,
    approvers: { groups: ['SSRE'] },
    createdAt: T0,
    expiresAt: T0 + 30 * 60_000,
    ...extra,
  };
}

describe('approvals in Redis', () => {
  let redis: RedisClient;
  let store: ApprovalStore;

  beforeAll(() => {
    redis = producerConnection(testRedis());
    store = new ApprovalStore(redis, new Keys(testPrefix(import.meta.url)));
  });
  afterAll(() => redis.disconnect());

  it('opens once and keeps the terms it was opened with', async () => {
    const a = approval();
    expect(await store.open(a)).toBe(true);
    expect(await store.open({ ...a, needed: 5 })).toBe(false);
    expect(await store.get(a)).toMatchObject({
      state: 'pending',
      needed: 1,
      selfApproval: false,
      approvers: { groups: ['SSRE'] },
      votes: [],
    });
  });

  it('counts each person once and reports the quorum to the one click that completes it', async () => {
    const a = approval({ needed: 2 });
    await store.open(a);
    expect((await store.decide(a, 'UBOB', 'approve', T0 + 1)).outcome).toBe('counted');
    expect((await store.decide(a, 'UBOB', 'approve', T0 + 2)).outcome).toBe('duplicate');
    const quorum = await store.decide(a, 'UCAROL', 'approve', T0 + 3);
    expect(quorum).toMatchObject({
      outcome: 'approved',
      record: {
        state: 'approved',
        decidedAt: T0 + 3,
        votes: [
          { user: 'UBOB', at: T0 + 1 },
          { user: 'UCAROL', at: T0 + 3 },
        ],
      },
    });
    expect((await store.decide(a, 'UDAVE', 'approve', T0 + 4)).outcome).toBe('closed');
    expect((await store.decide(a, 'UDAVE', 'reject', T0 + 5)).outcome).toBe('closed');
  });

  it('a rejection is final and keeps its reason', async () => {
    const a = approval();
    await store.open(a);
    expect(await store.decide(a, 'UBOB', 'reject', T0 + 1, 'not today')).toMatchObject({
      outcome: 'rejected',
      record: { state: 'rejected', decidedBy: 'UBOB', reason: 'not today' },
    });
    expect((await store.decide(a, 'UCAROL', 'approve', T0 + 2)).outcome).toBe('closed');
  });

  it('expires at its time: the first to notice closes it, and nothing counts after', async () => {
    const a = approval();
    await store.open(a);
    expect(await store.close(a, 'expired', a.expiresAt - 1)).toBe(false);
    expect((await store.decide(a, 'UBOB', 'approve', a.expiresAt)).outcome).toBe('expired-now');
    expect(await store.close(a, 'expired', a.expiresAt + 1)).toBe(false);
    expect(await store.get(a)).toMatchObject({ state: 'expired', votes: [] });
  });

  it('of fifty simultaneous approvals exactly one completes the quorum', async () => {
    const a = approval();
    await store.open(a);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.decide(a, `UCROWD${i}`, 'approve', T0 + 10)),
    );
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'approved')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'closed')).toHaveLength(49);
    expect((await store.get(a))?.votes).toHaveLength(1);
  });

  it('a missing approval says so', async () => {
    expect(
      await store.decide({ requestId: 'r-nothinghere0', phase: 'start' }, 'UBOB', 'approve', T0),
    ).toEqual({
      outcome: 'missing',
    });
  });
});
