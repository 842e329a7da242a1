import { LockLost } from '../../../src/ops/drain/drain-stop.js';
import { LeaseKeeper } from '../../../src/ops/locks/lock-leases.js';
import type { LockLease } from '../../../src/ports/lock.js';
import { ManualClock, settle } from '../fakes/manual-clock.js';

/** A lease whose renewals answer what the test says, when it says. */
function lease() {
  const answers: Array<(held: boolean) => void> = [];
  let renewals = 0;
  const value: LockLease = {
    token: 1,
    renew: () => {
      renewals += 1;
      return new Promise<boolean>((resolve) => answers.push(resolve));
    },
    release: async () => undefined,
  };
  return {
    lease: value,
    get renewals() {
      return renewals;
    },
    answer: async (held: boolean) => {
      answers.shift()?.(held);
      await settle();
    },
  };
}

function keeper(clock: ManualClock, leases: LockLease[]) {
  const stop = new AbortController();
  const work = new AbortController();
  const keeper = new LeaseKeeper(leases, clock, { everyMs: 1000, freshMs: 2000, graceMs: 60_000 }, () =>
    work.abort(new LockLost('worker-1')),
  );
  const running = keeper.run(stop.signal);
  const end = async () => {
    stop.abort();
    await running;
  };
  return { keeper, work, stop: end };
}

/** Whether the promise has settled after everything that can settle did. */
async function state(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let result: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => {
      result = 'resolved';
    },
    () => {
      result = 'rejected';
    },
  );
  await settle();
  return result;
}

describe('LeaseKeeper', () => {
  it('lets changes through at once while renewals are on time', async () => {
    const clock = new ManualClock();
    const one = lease();
    const k = keeper(clock, [one.lease]);
    for (let i = 0; i < 3; i++) {
      await clock.advance(1000);
      await one.answer(true);
      expect(await state(k.keeper.fresh(k.work.signal))).toBe('resolved');
    }
    expect(one.renewals).toBe(3);
    await k.stop();
  });

  it('holds a change after a stall until a renewal succeeds, and renews at once to find out', async () => {
    const clock = new ManualClock();
    const one = lease();
    const k = keeper(clock, [one.lease]);
    await clock.advance(1000);
    await one.answer(true);
    const before = one.renewals;
    clock.stall(10_000);

    const change = k.keeper.fresh(k.work.signal);
    expect(await state(change)).toBe('pending');
    // The renewal timer came due during the stall; no timer needs to fire for the holder to ask again.
    await clock.advance(0);
    expect(one.renewals).toBe(before + 1);
    await one.answer(true);
    expect(await state(change)).toBe('resolved');
    await k.stop();
  });

  it('never lets the change through when the stalled holder finds its lease taken: it stops instead', async () => {
    const clock = new ManualClock();
    const one = lease();
    const k = keeper(clock, [one.lease]);
    await clock.advance(1000);
    await one.answer(true);
    clock.stall(10_000);

    const change = expect(k.keeper.fresh(k.work.signal)).rejects.toBeInstanceOf(LockLost);
    await clock.advance(0);
    await one.answer(false);
    await change;
    expect(k.work.signal.reason).toBeInstanceOf(LockLost);
    await k.stop();
  });

  it('holds changes while Redis does not answer, then goes on once it does', async () => {
    const clock = new ManualClock();
    const one = lease();
    const k = keeper(clock, [one.lease]);
    await clock.advance(1000);
    await one.answer(true);
    await clock.advance(1000);
    // This renewal hangs: Redis is away. Past freshMs the next change waits.
    await clock.advance(1500);
    const change = k.keeper.fresh(k.work.signal);
    expect(await state(change)).toBe('pending');
    await one.answer(true);
    expect(await state(change)).toBe('resolved');
    expect(k.work.signal.aborted).toBe(false);
    await k.stop();
  });
});
