/** A Block Kit object as JSON: blocks, elements and text objects are all plain records here. */
export type BlockObject = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): BlockObject[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** The text of a text object (`{type:'plain_text'|'mrkdwn', text}`), or ''. */
export function textOf(value: unknown): string {
  return isRecord(value) && typeof value.text === 'string' ? value.text : '';
}

export interface InteractiveElement {
  blockId: string;
  actionId: string;
  element: BlockObject;
}

/**
 * Slack gives every block a `block_id` and every interactive element an `action_id` when the app leaves them
 * out; payloads always carry both, so the stored copy must have them too.
 */
export function withSlackIds(blocks: BlockObject[], newId: () => string): BlockObject[] {
  return blocks.map((block) => {
    const copy: BlockObject = {
      ...block,
      block_id: typeof block.block_id === 'string' ? block.block_id : newId(),
    };
    const withActionId = (element: BlockObject): BlockObject =>
      typeof element.action_id === 'string' || element.type === 'image'
        ? element
        : { ...element, action_id: newId() };
    if (Array.isArray(block.elements) && block.type === 'actions')
      copy.elements = records(block.elements).map(withActionId);
    if (isRecord(block.accessory)) copy.accessory = withActionId(block.accessory);
    if (isRecord(block.element)) copy.element = withActionId(block.element);
    return copy;
  });
}

/** Buttons, menus and other elements a user can act on, in the order a reader meets them. */
export function interactiveElements(blocks: BlockObject[]): InteractiveElement[] {
  const found: InteractiveElement[] = [];
  for (const block of blocks) {
    const blockId = typeof block.block_id === 'string' ? block.block_id : '';
    const candidates = block.type === 'actions' ? records(block.elements) : [];
    if (isRecord(block.accessory)) candidates.push(block.accessory);
    for (const element of candidates) {
      if (typeof element.action_id === 'string')
        found.push({ blockId, actionId: element.action_id, element });
    }
  }
  return found;
}

/** The `input` blocks of a modal with their element's action_id. */
export function inputElements(blocks: BlockObject[]): InteractiveElement[] {
  const found: InteractiveElement[] = [];
  for (const block of blocks) {
    if (block.type !== 'input' || !isRecord(block.element)) continue;
    const blockId = typeof block.block_id === 'string' ? block.block_id : '';
    const actionId = typeof block.element.action_id === 'string' ? block.element.action_id : '';
    found.push({ blockId, actionId, element: block.element });
  }
  return found;
}

/** The options of a select-like element (`options`, or those inside `option_groups`). */
export function optionsOf(element: BlockObject): BlockObject[] {
  const direct = records(element.options);
  const grouped = records(element.option_groups).flatMap((group) => records(group.options));
  return [...direct, ...grouped];
}
