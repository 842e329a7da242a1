/**
 * The few Block Kit shapes bosun uses, and Slack's limits: 50 blocks per message, 3,000 characters per text
 * object, 10 elements per context, 25 per actions block. Messages built here never exceed them.
 */
export const MAX_BLOCKS = 50;
export const MAX_TEXT = 3000;

export type Block = Record<string, unknown>;

export interface Button {
  actionId: string;
  text: string;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/** Cuts text to Slack's per-object limit, saying so. */
export function clip(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  const note = '\n… (cut)';
  return text.slice(0, max - note.length) + note;
}

/** Escapes the three characters Slack's mrkdwn gives meaning to. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const section = (text: string): Block => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text) },
});

export const context = (...texts: string[]): Block => ({
  type: 'context',
  elements: texts.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text) })),
});

export const divider = (): Block => ({ type: 'divider' });

export const actions = (blockId: string, buttons: Button[]): Block => ({
  type: 'actions',
  block_id: blockId,
  elements: buttons.slice(0, 25).map((b) => ({
    type: 'button',
    action_id: b.actionId,
    text: { type: 'plain_text', text: clip(b.text, 75), emoji: true },
    ...(b.value !== undefined ? { value: clip(b.value, 2000) } : {}),
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: clip(b.confirm.title, 100) },
            text: { type: 'mrkdwn', text: clip(b.confirm.text, 300) },
            confirm: { type: 'plain_text', text: clip(b.confirm.confirm, 30) },
            deny: { type: 'plain_text', text: clip(b.confirm.deny, 30) },
          },
        }
      : {}),
  })),
});

/** A fenced block of fixed-width text (escaped: Slack reads `<…>` even inside code), cut to fit one text object. */
export function codeBlock(lines: string[]): string {
  return clip(`\`\`\`\n${escapeMrkdwn(lines.join('\n'))}\n\`\`\``);
}

/** Left-aligned columns, like kubectl's tabwriter. */
export function columns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3)))
      .join('')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Keeps a message within the block limit: when over, the last kept block says how many were left out. */
export function fitBlocks(blocks: Block[]): Block[] {
  if (blocks.length <= MAX_BLOCKS) return blocks;
  const kept = blocks.slice(0, MAX_BLOCKS - 1);
  kept.push(context(`… and ${blocks.length - kept.length} more not shown`));
  return kept;
}
