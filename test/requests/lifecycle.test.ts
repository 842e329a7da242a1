import { withApprovalServices } from '../../src/approvals/approval-services.js';
import type { AuditRecord } from '../../src/audit/audit-entry.js';
import { APPROVE_ACTION } from '../../src/messages/approval-card.js';
import { DRAIN_ACTIONS, drainStuckMessage } from '../../src/messages/drain-stuck.js';
import { notice } from '../../src/messages/notice.js';
import { requestCard } from '../../src/messages/request-card.js';
import type { OperatorDecision } from '../../src/ports/operator-decisions.js';
import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import {
  type ApprovalRig,
  buttonsOf,
  probeOperation,
  startApprovalRig,
} from '../approvals/support/approval-rig.js';

const person = (id: string) => ({ id, name: id.slice(1).toLowerCase(), isBot: false, tz: 'Etc/UTC' });
const USERS = ['UALICE', 'UBOB', 'UCAROL', 'UDAVE', 'UERIN'].map(person);

async function auditOf(rig: ApprovalRig, requestId: string): Promise<AuditRecord[]> {
  const listing = await withApprovalServices(rig.deps, (services) =>
    services.audit.list({ sinceSeconds: 3600, requestId }),
  );
  return [...listing.records].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
}

const threadOf = (rig: ApprovalRig, requestId: string): RecordedMessage[] =>
  rig.standIn.messages('COPS').find((m) => m.requestId === requestId && !m.ephemeral)?.replies ?? [];

const threadLine = (rig: ApprovalRig, requestId: string, text: RegExp) => rig.threadLine(requestId, text);

async function answerTo(rig: ApprovalRig, user: string, text: RegExp): Promise<RecordedMessage> {
  return await rig.waitFor(
    () => rig.ephemeralsFor(user).find((m) => text.test(m.text)),
    `an answer to ${user} matching ${text}`,
  );
}

/** Polls `check` (which reads Redis) until it holds; fails after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The request lifecycle at the edges an operation never sees: cancels before it runs, jobs a worker cannot
 * read. Each ends the request on its record, its card, its thread (saying who) and the audit log.
 */
describe('the request lifecycle', () => {
  let rig: ApprovalRig;
  const runs: string[] = [];

  beforeAll(async () => {
    rig = await startApprovalRig(import.meta.url, {
      policy: {
        rules: [{ commands: ['nodes'], approvals: 1, approvers: { users: ['UBOB'] } }],
      },
      operations: {
        nodes: probeOperation(async ({ request }) => {
          runs.push(request.id);
          return { summary: 'probe ran' };
        }),
      },
      users: USERS,
    });
    await rig.startWorker();
  });
  afterAll(async () => await rig.close());

  it('a cancel of a request waiting for approval says who cancelled it, in the thread and the audit', async () => {
    const asked = await rig.command('nodes', 'UALICE');
    await rig.card(asked.requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    await rig.command(`cancel ${asked.requestId}`, 'UBOB');
    await answerTo(rig, 'UBOB', /it was still waiting for approval/);
    await threadLine(rig, asked.requestId, /^Cancelled by <@UBOB> while it was waiting for approval/);
    const card = await rig.card(asked.requestId, (c) => c.text.includes('Cancelled'));
    expect(buttonsOf(card)).toEqual([]);
    expect((await rig.deps.requests.get(asked.requestId))?.state).toBe('cancelled');
    const cancelled = (await auditOf(rig, asked.requestId)).filter((e) => e.event === 'cancelled');
    expect(cancelled).toMatchObject([
      { user: 'UBOB', outcome: 'cancelled', detail: 'while waiting for approval' },
    ]);
  });

  it('a cancel of a queued request ends it on the card, in the thread and in the audit; it never runs', async () => {
    // Approved with no worker running: the job waits in the queue.
    const asked = await rig.command('nodes', 'UALICE');
    const pending = await rig.card(asked.requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    await rig.stopWorker();
    await rig.standIn.click({ ts: pending.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
    await eventually(async () => (await rig.deps.requests.get(asked.requestId))?.state === 'queued');
    await eventually(async () => (await rig.ops.getJob(asked.requestId)) !== undefined);

    await rig.command(`cancel ${asked.requestId}`, 'UALICE');
    await answerTo(rig, 'UALICE', new RegExp(`Cancelled ${asked.requestId} before it started`));
    await threadLine(
      rig,
      asked.requestId,
      /^Cancelled by <@UALICE> before it started\. Nothing was changed\.$/,
    );
    const card = await rig.card(asked.requestId, (c) => c.text.includes('Cancelled'));
    expect(JSON.stringify(card.blocks)).toContain('by <@UALICE> before it started');
    expect(await rig.deps.requests.get(asked.requestId)).toMatchObject({
      state: 'cancelled',
      summary: 'cancelled by UALICE before it started',
    });
    expect(await rig.ops.getJob(asked.requestId)).toBeUndefined();
    const cancelled = (await auditOf(rig, asked.requestId)).filter((e) => e.event === 'cancelled');
    expect(cancelled).toMatchObject([{ user: 'UALICE', outcome: 'cancelled', detail: 'before it started' }]);

    await rig.startWorker();
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).not.toContain(asked.requestId);
  });

  it('a refused cancel is audited and changes nothing', async () => {
    const asked = await rig.command('nodes', 'UALICE');
    await rig.card(asked.requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    await rig.command(`cancel ${asked.requestId}`, 'UDAVE');
    await answerTo(rig, 'UDAVE', /Only <@UALICE>, who asked for/);
    expect((await rig.deps.requests.get(asked.requestId))?.state).toBe('awaiting-approval');
    const refused = (await auditOf(rig, asked.requestId)).filter((e) => e.event === 'refused');
    expect(refused).toMatchObject([{ user: 'UDAVE', outcome: 'not-allowed-to-cancel' }]);
  });

  it.each([
    ['a payload that does not decode', 'nodes', { v: 7 }, /its job does not decode \(payload version 7\)/],
    [
      'an operation this worker does not know',
      'upgrade',
      {},
      /names an operation this worker does not know \(upgrade\)/,
    ],
    [
      'a command that does not decode',
      'drain',
      { command: { name: 'drain', cluster: 'prod', nodes: 'worker-1' } },
      /its drain command does not decode/,
    ],
  ])(
    '%s ends its request with a line in the thread, once, and never retries',
    async (_what, name, change, why) => {
      const id = `r-${Array.from({ length: 12 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(Math.random() * 36)]).join('')}`;
      const request = {
        id,
        channel: 'COPS',
        user: 'UALICE',
        text: 'nodes',
        cluster: 'prod',
        requestedAt: Date.now(),
      };
      const card = requestCard({
        requestId: id,
        text: 'nodes',
        slash: '/bosun',
        user: 'UALICE',
        cluster: 'prod',
        state: 'queued',
      });
      await rig.deps.reporter.open(request, 'queued', card, { name: 'nodes', cluster: 'prod' });
      await rig.ops.add(
        name,
        { v: 1, request, command: { name, cluster: 'prod' }, ...change },
        { jobId: id, attempts: 4 },
      );
      {
        const line = await threadLine(rig, id, /could not run the request/);
        expect(line.text).toMatch(why);
        expect(line.text).toContain('Nothing was changed.');
        await rig.card(id, (c) => c.text.includes('Failed'));
        await eventually(async () => Boolean((await rig.ops.getJob(id))?.failedReason));
        const job = await rig.ops.getJob(id);
        expect(job?.attemptsMade).toBe(1);
        expect((await rig.deps.requests.get(id))?.state).toBe('failed');
        const finished = (await auditOf(rig, id)).filter((e) => e.event === 'job-finished');
        expect(finished).toMatchObject([{ outcome: 'failed' }]);
        expect(threadOf(rig, id).filter((m) => /could not run/.test(m.text))).toHaveLength(1);
      }
    },
  );
});

/**
 * Who may press the buttons of a running request. The job here shows a stuck pod's buttons and records what
 * reaches it, as a drain does; the rules are src/policy/authorize-steer.ts's.
 */
describe('steering a running request', () => {
  let rig: ApprovalRig;
  const received: OperatorDecision[] = [];

  beforeAll(async () => {
    rig = await startApprovalRig(import.meta.url, {
      policy: {
        rules: [
          {
            commands: ['nodes'],
            requesters: { users: ['UALICE', 'UCAROL', 'UDAVE'] },
            approvals: 1,
            approvers: { users: ['UBOB', 'UCAROL'] },
          },
        ],
      },
      operations: {
        nodes: probeOperation(async ({ request, reply, decisions, signal }) => {
          await reply(
            drainStuckMessage(request.id, {
              node: 'worker-1',
              pod: { namespace: 'shop', name: 'cart-0' },
              blockedForMs: 120_000,
              message: "Cannot evict pod as it would violate the pod's disruption budget.",
              notReady: [],
            }),
          );
          const deadline = Date.now() + 20_000;
          while (Date.now() < deadline && !signal.aborted) {
            for (const decision of await decisions.take()) {
              received.push(decision);
              await reply(notice('info', `took ${decision.kind} from ${decision.by}`));
              if (decision.kind === 'abort') return { summary: 'stopped as asked' };
            }
            await new Promise((r) => setTimeout(r, 50));
          }
          return { summary: 'no abort came', state: 'failed' };
        }),
      },
      users: USERS,
    });
    await rig.startWorker();
  });
  afterAll(async () => await rig.close());

  it('lets whoever may request it steer, and deleting a pod against its budget needs an approver other than the requester', async () => {
    const asked = await rig.command('nodes', 'UALICE');
    const pending = await rig.card(asked.requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    await rig.standIn.click({ ts: pending.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
    const stuck = await threadLine(rig, asked.requestId, /waited 2m/);
    const press = async (user: string, actionId: string) =>
      await rig.standIn.click({ ts: stuck.ts, actionId, user, channel: 'COPS' });
    const took = (kind: string, user: string) =>
      threadLine(rig, asked.requestId, new RegExp(`took ${kind} from ${user}`));

    await press('UERIN', DRAIN_ACTIONS.skipPod);
    await answerTo(
      rig,
      'UERIN',
      /You may not steer `?nodes`? on `?prod`? under this channel's policy\. Nothing was changed\./,
    );
    // UBOB may approve but not request: he may not steer either.
    await press('UBOB', DRAIN_ACTIONS.keepWaiting);
    await answerTo(rig, 'UBOB', /You may not steer/);

    await press('UALICE', DRAIN_ACTIONS.deletePod);
    await answerTo(rig, 'UALICE', /needs someone other than the requester/);
    await press('UDAVE', DRAIN_ACTIONS.deletePod);
    await answerTo(rig, 'UDAVE', /needs an approver of this command/);

    await press('UCAROL', DRAIN_ACTIONS.deletePod);
    await took('delete-pod', 'UCAROL');
    await press('UDAVE', DRAIN_ACTIONS.skipPod);
    await took('skip-pod', 'UDAVE');
    await press('UALICE', DRAIN_ACTIONS.abort);
    await took('abort', 'UALICE');
    await rig.card(asked.requestId, (c) => c.text.includes('Done'));
    expect(received.map((d) => `${d.kind} by ${d.by}`)).toEqual([
      'delete-pod by UCAROL',
      'skip-pod by UDAVE',
      'abort by UALICE',
    ]);
  });
});
