import { MAX_BLOCKS, MAX_TEXT } from '../../src/messages/blocks.js';
import type { SlackMessage } from '../../src/queue/payloads.js';

/** Every `text` string anywhere inside a message's blocks. */
export function blockTexts(message: SlackMessage): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') out.push(value);
        else walk(value);
      }
    }
  };
  walk(message.blocks);
  return out;
}

/** Slack refuses a message with more than 50 blocks or a text object over 3,000 characters. */
export function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks?.length ?? 0).toBeLessThanOrEqual(MAX_BLOCKS);
  for (const text of blockTexts(message)) expect(text.length).toBeLessThanOrEqual(MAX_TEXT);
}
