import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { decodeApprovalRef } from '../src/approvals/approval-record.js';
import { type ServicesContext, withApprovalServices } from '../src/approvals/approval-services.js';
import { checkDecision, recordDecision } from '../src/approvals/record-decision.js';
import { APPROVE_ACTION, REJECT_ACTION } from '../src/messages/approval-card.js';
import {
  approvalGone,
  decisionNotRecorded as failed,
  staleApprovalButton,
} from '../src/messages/approval-click-answers.js';
import {
  REASON_BLOCK,
  REASON_INPUT,
  REJECT_MODAL,
  rejectModal,
} from '../src/messages/approval-reject-modal.js';
import type { SlackMessage } from '../src/queue/payloads.js';
import { clickActor } from './click-actor.js';
import type { HandlerDeps } from './deps.js';

type ButtonClick = BlockAction<ButtonAction>;

const stale = staleApprovalButton();

/** Only the person who clicked sees the answer; the card and the thread speak to everyone. */
async function answer(respond: RespondFn, message: SlackMessage): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, ...message });
}

/**
 * Approve / Reject on approval cards, and the reject-reason modal. Each acks at once; the decision itself is
 * atomic in Redis (src/approvals/record-decision.ts), so any number of clicks, on any number of bot
 * processes, start the job once. Refusals and explanations go only to the person who clicked.
 */
export function registerApprovals(app: App, deps: HandlerDeps): void {
  const context: ServicesContext = deps;

  app.action<ButtonClick>(APPROVE_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const ref = decodeApprovalRef(action.value ?? '');
    const log = deps.logger.child({ requestId: ref?.requestId, user: body.user.id, action: 'approve' });
    if (!ref) return await answer(respond, stale);
    try {
      const actor = clickActor(body);
      const decided = await withApprovalServices(context, (services) =>
        recordDecision(deps, services, ref, actor, 'approve'),
      );
      // Counted: the card and its one thread line are the confirmation; only a click that changed nothing is answered.
      if (!decided.counted) await answer(respond, decided.message);
    } catch (error) {
      log.error({ err: error }, 'approval not recorded');
      await answer(respond, failed(error));
    }
  });

  app.action<ButtonClick>(REJECT_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const ref = decodeApprovalRef(action.value ?? '');
    const log = deps.logger.child({ requestId: ref?.requestId, user: body.user.id, action: 'reject' });
    if (!ref) return await answer(respond, stale);
    try {
      const actor = clickActor(body);
      const check = await withApprovalServices(context, (services) =>
        checkDecision(deps, services, ref, actor, 'reject'),
      );
      if (!check.ok) return await answer(respond, check.answer);
      const modal = rejectModal({ ref: action.value ?? '', text: check.record.text, slash: deps.slash });
      await client.views.open({ trigger_id: body.trigger_id, view: modal });
    } catch (error) {
      log.error({ err: error }, 'could not open the reject modal');
      await answer(respond, failed(error));
    }
  });

  // Slack takes a modal's field errors only in the ack, so the static checks come first; the decision follows
  // the ack and its answer goes beside the card, where the person clicked.
  app.view(REJECT_MODAL, async ({ ack, body, view }) => {
    const ref = decodeApprovalRef(view.private_metadata);
    const reason = view.state.values[REASON_BLOCK]?.[REASON_INPUT]?.value?.trim() ?? '';
    const showError = (text: string) =>
      ack({ response_action: 'errors', errors: { [REASON_BLOCK]: text.slice(0, 150) } });
    if (!ref) return await showError('This request is not one bosun knows; nothing was changed.');
    if (reason === '') return await showError('Say why, for the thread.');
    await ack();
    const user = body.user.id;
    const log = deps.logger.child({ requestId: ref.requestId, user, action: 'reject' });
    /** Beside the request's card, when the approval no longer says where that is. */
    const tellBesideCard = async (message: SlackMessage) => {
      const channel = await deps.requests
        .get(ref.requestId)
        .then((record) => record?.channel)
        .catch(() => undefined);
      if (!channel) return log.warn('a rejection for a request bosun no longer knows; nobody told');
      await deps.reporter
        .ephemeral(channel, user, message, { requestId: ref.requestId })
        .catch((err: unknown) => log.warn({ err }, 'could not tell them'));
    };
    try {
      const decided = await withApprovalServices(context, async (services) => {
        const channel = (await services.approvals.get(ref))?.channel;
        if (!channel) return undefined;
        return {
          ...(await recordDecision(deps, services, ref, { user, channel }, 'reject', reason)),
          channel,
        };
      });
      if (!decided) return await tellBesideCard(approvalGone());
      // Why the rejection did not count is told beside the card, where it renders.
      if (!decided.counted) {
        await deps.reporter.ephemeral(decided.channel, user, decided.message, { requestId: ref.requestId });
      }
    } catch (error) {
      log.error({ err: error }, 'rejection not recorded');
      await tellBesideCard(failed(error));
    }
  });
}
