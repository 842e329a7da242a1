import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import {
  type BlockObject,
  inputElements,
  isRecord,
  optionsOf,
  textOf,
  withSlackIds,
} from './block-kit-elements.js';
import { SlackApiError } from './slack-api-error.js';
import type { SlackIds } from './slack-ids.js';
import type { TriggerRegistry } from './trigger-registry.js';
import type { WebApiMethod } from './web-api.js';
import { argument, jsonArgument, requiredArgument } from './web-api-params.js';
import type { WorkspaceDirectory } from './workspace-directory.js';

/** An open modal as tests and the console list it. */
export interface OpenView {
  id: string;
  user: string;
  callbackId: string;
  privateMetadata: string;
  title: string;
  blocks: BlockObject[];
  openedAt: number;
}

interface StoredView {
  id: string;
  user: string;
  definition: BlockObject;
  blocks: BlockObject[];
  hash: string;
  rootViewId: string;
  previousViewId: string | undefined;
  openedAt: number;
}

const viewDefinitionSchema = z.looseObject({
  type: z.literal('modal'),
  title: z.looseObject({ type: z.literal('plain_text'), text: z.string().min(1).max(24) }),
  blocks: z.array(z.record(z.string(), z.unknown())).max(100),
  callback_id: z.string().optional(),
  private_metadata: z.string().max(3000).optional(),
  external_id: z.string().optional(),
});

/** Values a test submits: Slack's nested `{[block_id]: {[action_id]: state}}`, or flat `{[action_id]: value}`. */
export type SubmittedValues = Record<string, unknown>;

/** Modals opened with `views.open`, kept until a submission closes them. */
export class ModalStore {
  readonly #views = new Map<string, StoredView>();

  constructor(
    private readonly directory: WorkspaceDirectory,
    private readonly ids: SlackIds,
    private readonly clock: Clock,
  ) {}

  list(): OpenView[] {
    return [...this.#views.values()].map((view) => ({
      id: view.id,
      user: view.user,
      callbackId: stringField(view.definition, 'callback_id'),
      privateMetadata: stringField(view.definition, 'private_metadata'),
      title: textOf(view.definition.title),
      blocks: view.blocks,
      openedAt: view.openedAt,
    }));
  }

  require(viewId: string): StoredView {
    const view = this.#views.get(viewId);
    if (!view) {
      const open = [...this.#views.keys()];
      throw new Error(`no open view ${viewId} (open views: ${open.length > 0 ? open.join(', ') : 'none'})`);
    }
    return view;
  }

  /** The view as Slack puts it in API answers and payloads, with `state.values` when submitting. */
  viewJson(view: StoredView, values: Record<string, unknown> = {}): Record<string, unknown> {
    const { team, bot } = this.directory;
    return {
      id: view.id,
      team_id: team.id,
      type: 'modal',
      private_metadata: '',
      callback_id: '',
      external_id: '',
      ...view.definition,
      blocks: view.blocks,
      state: { values },
      hash: view.hash,
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: view.rootViewId,
      previous_view_id: view.previousViewId ?? null,
      app_id: bot.appId,
      app_installed_team_id: team.id,
      bot_id: bot.botId,
    };
  }

  /** A submission ack said `update` (replace this view) or `push` (stack a new one on it). */
  replace(view: StoredView, definition: unknown): void {
    const parsed = viewDefinitionSchema.safeParse(definition);
    if (!parsed.success)
      throw new Error(`the bot answered response_action with an invalid view: ${parsed.error.message}`);
    this.#revise(view, parsed.data);
  }

  push(view: StoredView, definition: unknown): StoredView {
    const parsed = viewDefinitionSchema.safeParse(definition);
    if (!parsed.success) throw new Error(`the bot pushed an invalid view: ${parsed.error.message}`);
    return this.#create(view.user, parsed.data, view);
  }

  /** Closes the view (Slack returns to the one below it, if any). */
  close(viewId: string): void {
    this.#views.delete(viewId);
  }

  /** `response_action: clear`: every view in this view's stack closes. */
  clear(view: StoredView): void {
    for (const candidate of [...this.#views.values()]) {
      if (candidate.rootViewId === view.rootViewId) this.#views.delete(candidate.id);
    }
  }

  /** Maps submitted values onto the view's input blocks in Slack's `view.state.values` shape. */
  stateValues(view: StoredView, submitted: SubmittedValues): Record<string, Record<string, unknown>> {
    const inputs = inputElements(view.blocks);
    const state: Record<string, Record<string, unknown>> = {};
    for (const input of inputs) {
      state[input.blockId] = { [input.actionId]: elementState(input.element, null) };
    }
    const nested = Object.values(submitted).every(
      (value) => isRecord(value) && Object.values(value).every((inner) => isRecord(inner)),
    );
    if (nested && Object.keys(submitted).length > 0) {
      for (const [blockId, actions] of Object.entries(submitted)) {
        if (isRecord(actions)) state[blockId] = { ...state[blockId], ...actions };
      }
      return state;
    }
    for (const [key, value] of Object.entries(submitted)) {
      const input = inputs.find((candidate) => candidate.actionId === key || candidate.blockId === key);
      if (!input) {
        const known = inputs.map((candidate) => candidate.actionId).join(', ') || 'none';
        throw new Error(`view ${view.id} has no input "${key}" (its inputs: ${known})`);
      }
      state[input.blockId] = { [input.actionId]: elementState(input.element, value) };
    }
    return state;
  }

  methods(triggers: TriggerRegistry): Record<string, WebApiMethod> {
    /** views.open and views.push: a fresh trigger (spent here) and the view to show. */
    const opening = (params: Parameters<WebApiMethod['run']>[0]) => {
      const triggerId = requiredArgument(params, 'trigger_id', z.string(), 'invalid_trigger_id');
      const definition = requiredArgument(
        params,
        'view',
        jsonArgument(viewDefinitionSchema),
        'invalid_arguments',
      );
      return { trigger: triggers.exchange(triggerId), definition };
    };
    return {
      'views.open': {
        scope: '',
        token: 'bot',
        run: (params) => {
          const { trigger, definition } = opening(params);
          return { view: this.viewJson(this.#create(trigger.user, definition, undefined)) };
        },
      },

      'views.push': {
        scope: '',
        token: 'bot',
        run: (params) => {
          const { trigger, definition } = opening(params);
          const below = [...this.#views.values()].filter((view) => view.user === trigger.user).at(-1);
          if (!below) throw new SlackApiError('not_found');
          return { view: this.viewJson(this.#create(trigger.user, definition, below)) };
        },
      },

      'views.update': {
        scope: '',
        token: 'bot',
        run: (params) => {
          const definition = requiredArgument(
            params,
            'view',
            jsonArgument(viewDefinitionSchema),
            'invalid_arguments',
          );
          const viewId = argument(params, 'view_id', z.string(), 'not_found');
          const externalId = argument(params, 'external_id', z.string(), 'not_found');
          const view =
            viewId !== undefined
              ? this.#views.get(viewId)
              : [...this.#views.values()].find(
                  (candidate) => candidate.definition.external_id === externalId,
                );
          if (!view) throw new SlackApiError('not_found');
          const hash = argument(params, 'hash', z.string(), 'invalid_arguments');
          if (hash !== undefined && hash !== view.hash) throw new SlackApiError('hash_conflict');
          this.#revise(view, definition);
          return { view: this.viewJson(view) };
        },
      },
    };
  }

  #create(user: string, definition: BlockObject, below: StoredView | undefined): StoredView {
    const id = this.ids.objectId('V');
    const view: StoredView = {
      id,
      user,
      definition,
      blocks: withSlackIds(blocksOf(definition), () => this.ids.token().slice(0, 5)),
      hash: this.#hash(),
      rootViewId: below?.rootViewId ?? id,
      previousViewId: below?.id,
      openedAt: this.clock.now(),
    };
    this.#views.set(id, view);
    return view;
  }

  #revise(view: StoredView, definition: BlockObject): void {
    view.definition = definition;
    view.blocks = withSlackIds(blocksOf(definition), () => this.ids.token().slice(0, 5));
    view.hash = this.#hash();
  }

  #hash(): string {
    return `${Math.floor(this.clock.now() / 1000)}.${this.ids.token().slice(0, 8)}`;
  }
}

function blocksOf(definition: BlockObject): BlockObject[] {
  return Array.isArray(definition.blocks) ? definition.blocks.filter(isRecord) : [];
}

function stringField(record: BlockObject, key: string): string {
  const value = record[key];
  return typeof value === 'string' ? value : '';
}

/** One input's state as Slack reports it for its element type. */
function elementState(element: BlockObject, value: unknown): Record<string, unknown> {
  const type = typeof element.type === 'string' ? element.type : 'plain_text_input';
  // Slack reports an input left empty as null, whatever the element.
  if (value === '') return elementState(element, null);
  const option = (wanted: unknown) =>
    wanted === null || wanted === undefined
      ? null
      : (optionsOf(element).find((candidate) => candidate.value === wanted) ?? {
          text: { type: 'plain_text', text: String(wanted) },
          value: String(wanted),
        });
  switch (type) {
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return { type, selected_option: option(value) };
    case 'multi_static_select':
    case 'checkboxes':
      return {
        type,
        selected_options: Array.isArray(value) ? value.map(option) : value === null ? [] : [option(value)],
      };
    case 'users_select':
      return { type, selected_user: value };
    case 'multi_users_select':
      return { type, selected_users: Array.isArray(value) ? value : value === null ? [] : [value] };
    case 'conversations_select':
      return { type, selected_conversation: value };
    case 'channels_select':
      return { type, selected_channel: value };
    case 'datepicker':
      return { type, selected_date: value };
    case 'timepicker':
      return { type, selected_time: value };
    default:
      return { type, value: value === null || value === undefined ? null : String(value) };
  }
}
