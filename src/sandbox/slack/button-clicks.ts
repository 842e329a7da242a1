import {
  type BlockObject,
  type InteractiveElement,
  interactiveElements,
  optionsOf,
} from './block-kit-elements.js';
import { type InteractionDeps, payloadUser } from './interaction-deps.js';
import { requestIdOfMessage } from './message-store.js';

export interface ClickInput {
  /** The message carrying the element (a channel message, a thread reply or an ephemeral message). */
  ts: string;
  actionId: string;
  user: string;
  /** Narrows the search for `ts` to one channel. */
  channel?: string;
  /** Overrides a button's value; picks the option of a select or overflow menu. */
  value?: string;
  /**
   * The message's blocks as the person's client still shows them: a click on a button the app has since
   * removed, which Slack delivers from a client that has not caught up.
   */
  shownBlocks?: unknown[];
}

export interface ClickResult {
  status: number;
  body: string;
  triggerId: string;
  ackMs: number;
}

/** A user clicks a button: Slack delivers a signed `block_actions` payload to the bot. */
export async function deliverClick(deps: InteractionDeps, input: ClickInput): Promise<ClickResult> {
  const { directory, store, ids } = deps;
  const user = directory.requireUser(input.user);
  const message = store.locate(input.ts, input.channel);
  if (!message)
    throw new Error(`no message with ts ${input.ts}${input.channel ? ` in ${input.channel}` : ''}`);
  if (message.ephemeralTo !== undefined && message.ephemeralTo !== user.id) {
    throw new Error(`message ${input.ts} is ephemeral to ${message.ephemeralTo}; ${user.id} cannot see it`);
  }
  const elements = interactiveElements((input.shownBlocks as BlockObject[] | undefined) ?? message.blocks);
  const target = elements.find((element) => element.actionId === input.actionId);
  if (!target) {
    const names = elements.map((element) => element.actionId).join(', ') || 'none';
    throw new Error(`message ${input.ts} has no action "${input.actionId}" (its actions: ${names})`);
  }
  const channel = directory.channel(message.channel);
  const triggerId = ids.triggerId();
  deps.triggers.issue(triggerId, user.id, message.channel);
  const requestId = requestIdOfMessage(message) ?? deps.requestIdOf(triggerId);
  const responseToken = deps.responses.create(triggerId, {
    channel: message.channel,
    user: user.id,
    requestId,
    originalTs: message.ts,
    source: 'action',
    threadTs: message.threadTs,
  });
  const ephemeral = message.ephemeralTo !== undefined;
  const container: Record<string, unknown> = {
    type: 'message',
    message_ts: message.ts,
    channel_id: message.channel,
    is_ephemeral: ephemeral,
  };
  if (message.threadTs !== undefined) container.thread_ts = message.threadTs;
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: payloadUser(user, directory.team.id),
    api_app_id: directory.bot.appId,
    token: deps.verificationToken,
    container,
    trigger_id: triggerId,
    team: { id: directory.team.id, domain: directory.team.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: message.channel, name: channel?.name ?? message.channel },
    state: { values: {} },
    response_url: deps.responses.urlOf(responseToken),
    actions: [actionJson(target, input.value, ids.messageTs())],
  };
  // Slack leaves the message out of payloads from ephemeral messages: the app never stored them.
  if (!ephemeral) payload.message = deps.messageJson(message);
  const outcome = await deps.delivery.deliver(
    { kind: 'interactive', payload },
    { signature: 'valid', timestampSeconds: undefined },
  );
  return { status: outcome.status, body: outcome.body, triggerId, ackMs: outcome.ackMs };
}

function actionJson(
  target: InteractiveElement,
  value: string | undefined,
  actionTs: string,
): Record<string, unknown> {
  const { element } = target;
  const type = typeof element.type === 'string' ? element.type : 'button';
  const base = { type, action_id: target.actionId, block_id: target.blockId, action_ts: actionTs };
  if (type === 'button') {
    const action: Record<string, unknown> = { ...base, text: element.text, value: value ?? element.value };
    if (element.style !== undefined) action.style = element.style;
    return action;
  }
  if (type === 'static_select' || type === 'overflow' || type === 'radio_buttons') {
    const options = optionsOf(element);
    const selected: BlockObject | undefined = options.find((option) => option.value === value);
    if (!selected) {
      const values = options.map((option) => String(option.value)).join(', ');
      throw new Error(`"${target.actionId}" is a ${type}; pick one of its option values: ${values}`);
    }
    return { ...base, selected_option: selected };
  }
  return { ...base, value };
}
