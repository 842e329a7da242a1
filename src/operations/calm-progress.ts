import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';

/**
 * Card updates at most every `everyMs`: the latest detail wins, and the last one is always shown. Slack's
 * chat.update limits and people's eyes both prefer a calm card.
 */
export function calmProgress(
  ctx: { progress(detail: string): Promise<void>; log: Logger; env: { clock: Clock } },
  everyMs = 3000,
) {
  const { clock } = ctx.env;
  let latest: string | undefined;
  let shownAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const show = async () => {
    timer = undefined;
    if (latest === undefined) return;
    const detail = latest;
    latest = undefined;
    shownAt = clock.now();
    try {
      await ctx.progress(detail);
    } catch (error) {
      ctx.log.warn({ err: error }, 'progress not shown');
    }
  };
  return {
    update(detail: string) {
      latest = detail;
      if (timer) return;
      const wait = Math.max(0, shownAt + everyMs - clock.now());
      timer = setTimeout(() => void show(), wait);
    },
    /** Drops a pending update (the final card follows). */
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      latest = undefined;
    },
  };
}
export type CalmProgress = ReturnType<typeof calmProgress>;
