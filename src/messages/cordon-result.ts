import type { CordonResult } from '../ops/cordon/cordon-nodes.js';
import type { SlackMessage } from '../queue/payloads.js';
import { context } from './blocks.js';

/**
 * What a cordon or uncordon means, for its card (whose state line already carries kubectl's words, "worker-1
 * cordoned"); nothing when no node changed.
 */
export function cordonAnswer(results: CordonResult[], unschedulable: boolean): SlackMessage | undefined {
  if (!results.some((r) => r.changed)) return undefined;
  const meaning = unschedulable
    ? 'New pods will not be scheduled there; running pods stay.'
    : 'New pods may be scheduled there again; pods elsewhere do not move back by themselves.';
  return { text: meaning, blocks: [context(meaning)] };
}
