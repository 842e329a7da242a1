import type { CordonResult } from '../ops/cordon/cordon-nodes.js';
import type { SlackMessage } from '../queue/payloads.js';
import { codeBlock, section } from './blocks.js';

/** kubectl's lines for cordon/uncordon, and one sentence on what it means. */
export function cordonResultMessage(results: CordonResult[], unschedulable: boolean): SlackMessage {
  const changed = results.filter((r) => r.changed).length;
  const meaning = unschedulable
    ? 'New pods will not be scheduled there; running pods stay.'
    : 'New pods may be scheduled there again; pods elsewhere do not move back by themselves.';
  return {
    text: results.map((r) => r.line).join('\n'),
    blocks: [section(codeBlock(results.map((r) => r.line))), ...(changed > 0 ? [section(meaning)] : [])],
  };
}
