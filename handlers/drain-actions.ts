import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { withApprovalServices } from '../src/approvals/approval-services.js';
import { DRAIN_ACTIONS, DrainButtonValue } from '../src/messages/drain-stuck.js';
import { MAINTAIN_DONE_ACTION, maintenanceDoneNotApplicable } from '../src/messages/maintain-ready.js';
import { notice } from '../src/messages/notice.js';
import { notRunningAnswer, steerRefusalMessage } from '../src/messages/steer-refusal.js';
import { authorizeSteer } from '../src/policy/authorize-steer.js';
import type { OperatorDecision } from '../src/ports/operator-decisions.js';
import type { SlackMessage } from '../src/queue/payloads.js';
import { misplacedClick } from '../src/requests/misplaced-click.js';
import { RequestDecisions } from '../src/requests/request-decisions.js';
import { clickActor } from './click-actor.js';
import type { HandlerDeps } from './deps.js';

type ButtonClick = BlockAction<ButtonAction>;
type Kind = OperatorDecision['kind'];

const BUTTONS: ReadonlyArray<[string, Kind]> = [
  [DRAIN_ACTIONS.keepWaiting, 'keep-waiting'],
  [DRAIN_ACTIONS.skipPod, 'skip-pod'],
  [DRAIN_ACTIONS.deletePod, 'delete-pod'],
  [DRAIN_ACTIONS.abort, 'abort'],
  [MAINTAIN_DONE_ACTION, 'maintenance-done'],
];

async function answer(respond: RespondFn, message: SlackMessage): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, ...message });
}

function decisionOf(kind: Kind, value: DrainButtonValue, by: string): OperatorDecision | undefined {
  if (kind === 'abort' || kind === 'maintenance-done') return { kind, by };
  if (!value.ns || !value.pod) return undefined;
  return { kind, pod: { namespace: value.ns, name: value.pod }, by };
}

/**
 * The buttons of a running drain or maintenance (keep waiting, skip this pod, delete it ignoring the PDB,
 * abort and uncordon, maintenance done). A click is checked against the request and the policy, then handed
 * to the running job through Redis (src/requests/request-decisions.ts); the job says in the thread what it did.
 * Who may press them is src/policy/authorize-steer.ts's call.
 */
export function registerDrainActions(app: App, deps: HandlerDeps): void {
  for (const [actionId, kind] of BUTTONS) {
    app.action<ButtonClick>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const actor = clickActor(body);
      const { user, channel } = actor;
      const log = deps.logger.child({ user, action: actionId });
      let value: DrainButtonValue;
      try {
        value = DrainButtonValue.parse(JSON.parse(action.value ?? ''));
      } catch {
        return await answer(
          respond,
          notice('warning', 'This button is not one bosun knows (an old message?). Nothing was changed.'),
        );
      }
      const decision = decisionOf(kind, value, user);
      const record = await deps.requests.get(value.r);
      const misplaced = record && misplacedClick(record, actor);
      if (record && misplaced) {
        log.warn(
          { requestId: record.id, requestChannel: record.channel, thread: actor.thread },
          `steering refused: ${misplaced.outcome}`,
        );
        await withApprovalServices(deps, (services) =>
          services.audit.record({
            event: 'denied',
            requestId: record.id,
            user,
            cluster: record.cluster,
            command: record.text,
            outcome: misplaced.outcome,
            detail: `tried to steer (${kind}) from ${channel || 'no channel'}${actor.thread ? ` (message ${actor.thread})` : ''}`,
          }),
        );
        return await answer(respond, misplaced.answer);
      }
      if (decision && record?.command && record.command.name !== 'maintain' && kind === 'maintenance-done') {
        return await answer(respond, maintenanceDoneNotApplicable(record.id, record.command.name));
      }
      if (!decision || !record) {
        return await answer(
          respond,
          notice('warning', 'This button belongs to no request of this channel. Nothing was changed.'),
        );
      }
      if (record.state !== 'running') return await answer(respond, notRunningAnswer(record));
      if (!record.command || !record.cluster) {
        return await answer(
          respond,
          notice('warning', `Request \`${record.id}\` has no command bosun can steer. Nothing was changed.`),
        );
      }
      const steered = { requester: record.user, cluster: record.cluster, command: record.command.name };
      try {
        const refusal = await withApprovalServices(deps, async (services) => {
          const verdict = await authorizeSteer(deps.config.policy, services.groups, steered, actor, kind);
          if (!verdict.allowed) return verdict.refusal;
          await new RequestDecisions(services.redis, services.keys).send(record.id, decision);
          await wakeIfParked(deps, record.id);
          return undefined;
        });
        if (refusal) return await answer(respond, steerRefusalMessage(refusal));
        // The job's one thread line ("<@U> chose …: bosun …") is the confirmation everyone sees; no echo to the clicker.
        log.info({ requestId: record.id, decision: kind }, 'decision sent to the running job');
      } catch (error) {
        log.error({ err: error }, 'decision not sent');
        await answer(
          respond,
          notice(
            'error',
            `bosun could not pass that on (${error instanceof Error ? error.message : String(error)}). Try again.`,
          ),
        );
      }
    });
  }
}

/** A job parked while it waits for a person (maintain's "maintenance done") runs again at once. */
async function wakeIfParked(deps: HandlerDeps, requestId: string): Promise<void> {
  const job = await deps.ops.queue.getJob(requestId);
  if (job && (await job.isDelayed())) {
    try {
      await job.promote();
    } catch {
      // promoted or started by someone else in between: it will read the decision either way
    }
  }
}
