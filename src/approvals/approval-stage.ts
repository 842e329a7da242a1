import { DelayedError, Queue } from 'bullmq';
import { escapeMrkdwn } from '../messages/blocks.js';
import { BosunError } from '../ops/errors.js';
import { OPS_QUEUE } from '../queue/names.js';
import { OpsQueue } from '../queue/ops-queue.js';
import type { OpsPayload } from '../queue/payloads.js';
import { failedStep, settle } from '../requests/settle.js';
import { reportCancelled, reportExpiry, reportingOf, showApproval, tellThread } from './approval-effects.js';
import { type ApprovalRecord, START_PHASE } from './approval-record.js';
import type { ApprovalServices } from './approval-services.js';
import type { WaitingJob, WorkerContext } from './worker-context.js';

/** What approving would do, for the card: mrkdwn sections built in src/messages (a drain's preview). */
export interface ApprovalPreview {
  sections: string[];
}

export interface ApprovalStageInput {
  payload: OpsPayload;
  job: WaitingJob;
  token: string | undefined;
  worker: WorkerContext;
  services: ApprovalServices;
  /** The operation's read-only preview, when it has one. */
  preview?: () => Promise<ApprovalPreview>;
}

/**
 * The approval stage of a request (its job id is `<request id>-approval`): the first time, work out what the
 * operation would do and put the approval card (with Approve / Reject) on the request; then wait, delayed
 * (holding no worker slot), until the approval's expiry. A decision removes this job; if it is still here at
 * expiry and nobody decided, the approval expires.
 */
export async function runApprovalStage(input: ApprovalStageInput): Promise<unknown> {
  const { payload, worker, services } = input;
  const ref = { requestId: payload.request.id, phase: START_PHASE };
  const log = worker.logger.child({ requestId: ref.requestId, stage: 'approval' });
  const reporting = reportingOf(worker, services);
  let record = await services.approvals.get(ref);
  if (!record) {
    log.warn('approval stage without an approval; nothing to do');
    return { missing: true };
  }
  if (record.state === 'approved') return await ensureEnqueued(input, record);
  if (record.state !== 'pending') return { decided: record.state };

  const now = worker.clock.now();
  const cancelledBy = await worker.cancellations.cancelledBy(ref.requestId);
  if (cancelledBy) {
    if (await services.approvals.close(ref, 'cancelled', now, cancelledBy)) {
      await reportCancelled(
        reporting,
        { ...record, state: 'cancelled', decidedAt: now, decidedBy: cancelledBy },
        cancelledBy,
      );
    }
    return { decided: 'cancelled' };
  }
  if (now >= record.expiresAt) {
    if (await services.approvals.close(ref, 'expired', now)) {
      await reportExpiry(reporting, { ...record, state: 'expired', decidedAt: now });
      log.info('approval expired');
    }
    return { decided: 'expired' };
  }
  if (record.preview === undefined) {
    const preview = await previewOrExplain(input, log);
    if (preview === 'failed') return { failed: true };
    await services.approvals.setPreview(ref, preview);
    record = { ...record, preview };
    await showApproval(reporting, record);
    await tellThread(reporting, 'requested', record);
    log.info({ needed: record.needed, expiresAt: record.expiresAt }, 'approval card posted');
  }
  await input.job.moveToDelayed(Date.now() + Math.max(1, record.expiresAt - now), input.token);
  throw new DelayedError();
}

/** The preview's sections; a note when it could not be worked out; 'failed' when the request cannot go on. */
async function previewOrExplain(
  input: ApprovalStageInput,
  log: WorkerContext['logger'],
): Promise<string[] | 'failed'> {
  if (!input.preview) return [];
  try {
    return (await input.preview()).sections;
  } catch (error) {
    if (error instanceof BosunError) {
      await failRequest(input, error);
      return 'failed';
    }
    log.warn({ err: error }, 'preview failed; asking for approval without it');
    const why = error instanceof Error ? error.message : String(error);
    return [
      `:warning: bosun could not work out what this would do (${escapeMrkdwn(why)}). Approve only if you know.`,
    ];
  }
}

/** The preview found the request cannot work (an unknown node, say): say why and end it; nobody is asked. */
async function failRequest(input: ApprovalStageInput, error: BosunError): Promise<void> {
  const { payload, worker, services } = input;
  const { request } = payload;
  await services.approvals.close(
    { requestId: request.id, phase: START_PHASE },
    'cancelled',
    worker.clock.now(),
  );
  await settle(
    reportingOf(worker, services),
    request,
    failedStep(worker.slash, request, error, `before approval: ${error.message}`),
  );
}

/**
 * Approved, but the bot stopped before enqueueing the job: do it now. Only while the request has not started
 * (a finished job may be gone from the queue, and must not run twice).
 */
async function ensureEnqueued(input: ApprovalStageInput, record: ApprovalRecord): Promise<unknown> {
  const request = await input.worker.requests.get(record.requestId);
  const notStarted = request?.state === 'awaiting-approval' || request?.state === 'queued';
  if (!record.payload || !notStarted) return { decided: 'approved' };
  const queue = new Queue(OPS_QUEUE, {
    connection: input.services.redis,
    prefix: input.services.keys.bullPrefix,
  });
  try {
    if (await queue.getJob(record.requestId)) return { decided: 'approved' };
    await input.worker.requests.transition(record.requestId, 'queued');
    await new OpsQueue(queue).enqueue(record.payload);
    input.worker.logger.warn({ requestId: record.requestId }, 'approved job was not enqueued; enqueued it');
  } finally {
    await queue.close();
  }
  return { decided: 'approved', enqueued: true };
}
