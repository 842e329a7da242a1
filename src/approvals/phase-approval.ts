import { DelayedError } from 'bullmq';
import { CancelledError } from '../ops/errors.js';
import { effectivePolicy } from '../policy/effective-policy.js';
import type { OpsPayload } from '../queue/payloads.js';
import { ApprovalClosedError } from './approval-closed-error.js';
import { auditApproval, reportExpiry, reportingOf, showApproval, tellThread } from './approval-effects.js';
import { PhaseName, START_PHASE } from './approval-record.js';
import type { ApprovalServices } from './approval-services.js';
import type { WaitingJob, WorkerContext } from './worker-context.js';

export interface PhaseApprovalRequest {
  /** Names the boundary, unique within the request: `workers`, `delete-blocked-pod`. */
  phase: string;
  /** The question, for the card and the thread: "Control plane upgraded; continue to the workers?" */
  summary: string;
  /** What continuing will do, in mrkdwn (built in src/messages). */
  sections?: string[];
}

export interface PhaseApprovalInput {
  payload: OpsPayload;
  job: WaitingJob;
  token: string | undefined;
  worker: WorkerContext;
  services: ApprovalServices;
  /** The run's fence on its request: a run taken over by a newer one opens nothing. */
  fence?: number;
}

/**
 * An approval in the middle of a job. The first call opens it (terms from the policy for this cluster and
 * command; at least one approval, and where the policy asks for none the requester may give it), shows it on
 * the card and in the thread, moves the job to delayed until the expiry and throws DelayedError: the job holds
 * no worker slot while people decide, and survives worker restarts. The decision wakes the job, which runs
 * again from the top; its operation resumes from its checkpoint and asks again: then this resolves (approved)
 * or throws ApprovalClosedError (rejected, expired) or CancelledError.
 */
export async function awaitPhaseApproval(
  input: PhaseApprovalInput,
  ask: PhaseApprovalRequest,
): Promise<void> {
  const phase = PhaseName.parse(ask.phase);
  if (phase === START_PHASE) throw new Error(`"${START_PHASE}" is the approval before a job; name the phase`);
  const { payload, worker, services } = input;
  const { request } = payload;
  const ref = { requestId: request.id, phase };
  const reporting = reportingOf(worker, services);
  let record = await services.approvals.get(ref);
  if (!record) {
    const cluster = request.cluster ?? '';
    const policy = effectivePolicy(worker.config.policy, cluster, payload.command.name);
    const createdAt = worker.clock.now();
    await services.approvals.open({
      ...ref,
      channel: request.channel,
      requester: request.user,
      cluster,
      text: request.text,
      summary: ask.summary,
      needed: Math.max(1, policy.approvals),
      selfApproval: policy.approvals === 0 || policy.selfApproval,
      approvers: policy.approvers,
      createdAt,
      expiresAt: createdAt + policy.expirySeconds * 1000,
    });
    if (ask.sections) await services.approvals.setPreview(ref, ask.sections);
    record = await services.approvals.get(ref);
    if (!record) throw new Error(`approval ${request.id}/${phase} vanished after opening`);
    await worker.requests.transition(request.id, 'awaiting-approval', ask.summary, input.fence);
    await showApproval(reporting, record);
    await tellThread(reporting, 'requested', record);
    await auditApproval(services.audit, 'approval-requested', record, request.user, 'pending', ask.summary);
  }

  const now = worker.clock.now();
  if (record.state === 'pending' && now >= record.expiresAt) {
    if (await services.approvals.close(ref, 'expired', now)) {
      await reportExpiry(reporting, { ...record, state: 'expired', decidedAt: now });
    }
    record = (await services.approvals.get(ref)) ?? record;
  }
  switch (record.state) {
    case 'approved':
      return;
    case 'rejected':
    case 'expired':
      throw new ApprovalClosedError(record);
    case 'cancelled':
      throw new CancelledError(record.decidedBy);
    case 'pending': {
      await input.job.moveToDelayed(Date.now() + Math.max(1, record.expiresAt - now), input.token);
      // A decision made before the move found no delayed job to wake; look once more now that it is delayed.
      const latest = await services.approvals.get(ref);
      if (latest && latest.state !== 'pending') await input.job.promote();
      throw new DelayedError();
    }
  }
}
