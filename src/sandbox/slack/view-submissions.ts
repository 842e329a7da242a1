import { isRecord } from './block-kit-elements.js';
import { type InteractionDeps, payloadUser } from './interaction-deps.js';
import type { OpenView, SubmittedValues } from './modal-store.js';

export interface SubmitInput {
  viewId: string;
  values: SubmittedValues;
  /** Default: the user the view was opened for. */
  user?: string;
}

export interface SubmitResult {
  status: number;
  body: string;
  /** Whether the modal closed (empty ack or `clear`). */
  closed: boolean;
  /** `response_action: errors`: block_id → message, shown under the inputs. */
  errors?: Record<string, string>;
  /** The view now on screen when the ack updated or pushed one. */
  view?: OpenView;
  ackMs: number;
}

/** The user presses Submit: Slack delivers `view_submission` and acts on the ack's `response_action`. */
export async function deliverViewSubmission(
  deps: InteractionDeps,
  input: SubmitInput,
): Promise<SubmitResult> {
  const { directory, modals, ids } = deps;
  const view = modals.require(input.viewId);
  const user = directory.requireUser(input.user ?? view.user);
  if (user.id !== view.user) throw new Error(`view ${view.id} is open for ${view.user}, not ${user.id}`);
  const values = modals.stateValues(view, input.values);
  const triggerId = ids.triggerId();
  deps.triggers.issue(triggerId, user.id, undefined);
  const payload: Record<string, unknown> = {
    type: 'view_submission',
    team: { id: directory.team.id, domain: directory.team.domain },
    user: payloadUser(user, directory.team.id),
    api_app_id: directory.bot.appId,
    token: deps.verificationToken,
    trigger_id: triggerId,
    view: modals.viewJson(view, values),
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const outcome = await deps.delivery.deliver(
    { kind: 'interactive', payload },
    { signature: 'valid', timestampSeconds: undefined },
  );
  const result = { status: outcome.status, body: outcome.body, ackMs: outcome.ackMs };
  if (outcome.status !== 200) return { ...result, closed: false };
  const response = outcome.response;
  const onScreen = (id: string) => modals.list().find((candidate) => candidate.id === id);
  switch (response?.response_action) {
    case 'errors': {
      const errors = isRecord(response.errors)
        ? Object.fromEntries(
            Object.entries(response.errors).map(([block, message]) => [block, String(message)]),
          )
        : {};
      return { ...result, closed: false, errors };
    }
    case 'update': {
      modals.replace(view, response.view);
      return { ...result, closed: false, view: onScreen(view.id) };
    }
    case 'push': {
      const pushed = modals.push(view, response.view);
      return { ...result, closed: false, view: onScreen(pushed.id) };
    }
    case 'clear':
      modals.clear(view);
      return { ...result, closed: true };
    default:
      modals.close(view.id);
      return { ...result, closed: true };
  }
}
