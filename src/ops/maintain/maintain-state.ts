import { z } from 'zod';
import { DrainState } from '../drain/drain-state.js';

/** Where a `maintain` stands, recorded in job data so another worker can continue it. */
export const MaintainPhase = z.enum(['draining', 'awaiting-maintenance', 'waiting-ready', 'done', 'stopped']);
export type MaintainPhase = z.infer<typeof MaintainPhase>;

export const MaintainState = z.object({
  v: z.literal(1),
  node: z.string(),
  phase: MaintainPhase,
  startedAt: z.number(),
  drain: DrainState.optional(),
  /** The thread was told the node is ready for maintenance (and given the button). */
  announcedAt: z.number().optional(),
  doneAt: z.number().optional(),
  doneBy: z.string().optional(),
  readyAt: z.number().optional(),
  uncordonedAt: z.number().optional(),
  /** Why it stopped early (drain refused or failed, aborted, node never came back). */
  stoppedBecause: z.string().optional(),
});
export type MaintainState = z.infer<typeof MaintainState>;
