import type { Clock } from '../../../src/shared/clock.js';
import { ScaledClock } from '../../../src/sim/clock/index.js';

function recordingClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => 1_700_000_000_000,
    sleep: async (ms) => {
      slept.push(ms);
    },
  };
}

describe('ScaledClock', () => {
  it('turns a 30 s grace period into 30 ms at time scale 0.001', async () => {
    const base = recordingClock();
    const clock = new ScaledClock(0.001, base);
    await clock.sleep(30_000);
    expect(base.slept).toEqual([30]);
    expect(clock.scale(5 * 60_000)).toBe(300);
  });

  it('keeps timestamps real', () => {
    const clock = new ScaledClock(0.01, recordingClock());
    expect(clock.now()).toBe(1_700_000_000_000);
  });

  it('plays durations unchanged at the default scale', async () => {
    const base = recordingClock();
    await new ScaledClock(undefined, base).sleep(1500);
    expect(base.slept).toEqual([1500]);
  });

  it('refuses a time scale that is not a positive number', () => {
    expect(() => new ScaledClock(0)).toThrow('time scale must be a positive number, got 0');
    expect(() => new ScaledClock(Number.NaN)).toThrow(RangeError);
  });

  it('rejects a sleep with the abort reason when aborted', async () => {
    const clock = new ScaledClock(1);
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('simulator stopped'));
    await expect(sleeping).rejects.toThrow('simulator stopped');
  });
});
