import { WebClient } from '@slack/web-api';
import { withApprovalServices } from '../../src/approvals/approval-services.js';
import { cancelPendingApproval } from '../../src/approvals/cancel-approval.js';
import { APPROVE_ACTION, REJECT_ACTION } from '../../src/messages/approval-card.js';
import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import {
  type ApprovalRig,
  buttonsOf,
  HandClock,
  probeOperation,
  startApprovalRig,
} from './support/approval-rig.js';

const person = (id: string) => ({ id, name: id.slice(1).toLowerCase(), isBot: false, tz: 'Etc/UTC' });
const USERS = ['UALICE', 'UBOB', 'UCAROL', 'UDAVE'].map(person);

/** A stand-in for an operation: counts its runs, touches nothing. */
function countingOperation() {
  const runs: string[] = [];
  const operation = probeOperation(async ({ request }) => {
    runs.push(request.id);
    return { summary: 'probe ran' };
  });
  return { operation, runs };
}

const textOf = (message: RecordedMessage) => JSON.stringify(message.blocks);
const pending = (card: RecordedMessage) => buttonsOf(card).includes(APPROVE_ACTION);

async function askFor(rig: ApprovalRig, user: string) {
  const asked = await rig.command('nodes', user);
  expect(asked.status).toBe(200);
  const card = await rig.card(asked.requestId, pending);
  return { requestId: asked.requestId, card };
}

/** The value of the element `actionId` among Block Kit `blocks`. */
function buttonValue(blocks: unknown, actionId: string): string {
  const walk = (node: unknown): string | undefined => {
    if (Array.isArray(node)) return node.map(walk).find((v) => v !== undefined);
    if (!node || typeof node !== 'object') return undefined;
    const element = node as Record<string, unknown>;
    if (element.action_id === actionId && typeof element.value === 'string') return element.value;
    return Object.values(element)
      .map(walk)
      .find((v) => v !== undefined);
  };
  const value = walk(blocks);
  if (value === undefined) throw new Error(`no ${actionId} in the blocks`);
  return value;
}

/** The ephemeral answer `user` got about `requestId` whose text matches. */
async function answerTo(rig: ApprovalRig, user: string, requestId: string, text: RegExp) {
  return await rig.waitFor(
    () => rig.ephemeralsFor(user).find((m) => m.requestId === requestId && text.test(m.text)),
    `an answer to ${user} matching ${text}`,
  );
}

describe('approvals before a job runs', () => {
  describe('one approval, four eyes', () => {
    let rig: ApprovalRig;
    const probe = countingOperation();

    beforeAll(async () => {
      rig = await startApprovalRig(import.meta.url, {
        policy: { rules: [{ commands: ['nodes'], approvals: 1, approvers: { users: ['UALICE', 'UBOB'] } }] },
        operations: { nodes: probe.operation },
        users: USERS,
      });
      await rig.startWorker();
    });
    afterAll(async () => await rig.close());
    // A test that failed while holding the outbox back must not hold back the next one's card.
    afterEach(async () => await rig.resumeOutbox());

    it("does not start on the requester's own click, tells her why, and starts on a teammate's", async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      expect(card.text).toContain('Waiting for approval');
      expect(textOf(card)).toContain('needs 1 approval from someone other than <@UALICE>');
      expect(buttonsOf(card)).toEqual([APPROVE_ACTION, REJECT_ACTION]);

      const own = await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UALICE' });
      expect(own.status).toBe(200);
      const why = await answerTo(rig, 'UALICE', requestId, /four eyes/);
      expect(why.text).toContain('your approval does not count');
      expect(probe.runs).toEqual([]);
      expect(await rig.ops.getJob(requestId)).toBeUndefined();

      await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
      const done = await rig.card(requestId, (c) => c.text.includes('Done'));
      expect(probe.runs).toEqual([requestId]);
      expect(textOf(done)).toContain('Approved by <@UBOB>');
      expect(buttonsOf(done)).toEqual([]);
      await rig.threadLine(requestId, 'Approved by <@UBOB>');
    });

    it("refuses and audits an Approve copied into another channel, whose value names this channel's request", async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      // The channel exists once someone used bosun there; a copy of the card's buttons is posted in it.
      await rig.standIn.slashCommand({ text: 'help', user: 'UBOB', channel: 'CELSE' });
      const web = new WebClient('xoxb-approvals', { slackApiUrl: rig.standIn.apiUrl });
      const copy = await web.chat.postMessage({
        channel: 'CELSE',
        text: 'copy',
        blocks: card.blocks as never,
      });

      const click = await rig.standIn.click({
        ts: copy.ts ?? '',
        channel: 'CELSE',
        actionId: APPROVE_ACTION,
        user: 'UBOB',
      });
      expect(click.status).toBe(200);
      const why = await rig.waitFor(
        () =>
          rig.ephemeralsFor('UBOB').find((m) => /does not belong to a request of this channel/.test(m.text)),
        'the refusal of the copied button',
      );
      expect(why.text).toContain('Nothing was changed');
      const listing = await withApprovalServices(rig.deps, (services) =>
        services.audit.list({ sinceSeconds: 3600, requestId }),
      );
      expect(listing.records.filter((r) => r.event === 'denied').map((r) => r.outcome)).toEqual([
        'the click came from another channel',
      ]);
      expect(probe.runs).not.toContain(requestId);
      expect(await rig.ops.getJob(requestId)).toBeUndefined();
      expect(textOf(await rig.card(requestId, pending))).toContain('Approve');
    });

    it("refuses and audits an Approve on one request's card whose value names another request of the channel", async () => {
      const first = await askFor(rig, 'UALICE');
      const second = await askFor(rig, 'UALICE');
      const crafted = buttonValue(second.card.blocks, APPROVE_ACTION);
      expect(crafted).toContain(second.requestId);

      await rig.standIn.click({ ts: first.card.ts, actionId: APPROVE_ACTION, user: 'UBOB', value: crafted });
      const why = await rig.waitFor(
        () => rig.ephemeralsFor('UBOB').find((m) => /names a request other than the one/.test(m.text)),
        'the refusal of the crafted value',
      );
      expect(why.text).toContain('Nothing was changed');
      const listing = await withApprovalServices(rig.deps, (services) =>
        services.audit.list({ sinceSeconds: 3600, requestId: second.requestId }),
      );
      expect(listing.records.filter((r) => r.event === 'denied').map((r) => r.outcome)).toEqual([
        "the click came from another request's card or thread",
      ]);
      expect(probe.runs).not.toContain(second.requestId);
      expect(await rig.ops.getJob(second.requestId)).toBeUndefined();
      expect(textOf(await rig.card(second.requestId, pending))).toContain('Approve');
    });

    it('a rejection asks for a reason and puts it in the thread; a click on the old card changes nothing', async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      // Slack is slow to update the card: UCAROL still sees the buttons after the rejection.
      await rig.pauseOutbox();
      await rig.standIn.click({ ts: card.ts, actionId: REJECT_ACTION, user: 'UBOB' });
      const modal = await rig.standIn.waitFor(() => rig.standIn.views().find((v) => v.user === 'UBOB'));
      expect(modal.title).toBe('Reject request');
      const empty = await rig.standIn.submit({ viewId: modal.id, values: { reason_text: '' } });
      expect(empty.errors).toEqual({ reason: 'Say why, for the thread.' });
      const submitted = await rig.standIn.submit({
        viewId: modal.id,
        values: { reason_text: 'not during the release freeze' },
      });
      expect(submitted.closed).toBe(true);

      await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
      const late = await answerTo(rig, 'UBOB', requestId, /rejected by <@UBOB>/);
      expect(late.text).toContain('a decision cannot be changed');
      await rig.resumeOutbox();

      const rejected = await rig.card(requestId, (c) => c.text.includes('Rejected'));
      expect(buttonsOf(rejected)).toEqual([]);
      expect(textOf(rejected)).toContain('not during the release freeze');
      await rig.threadLine(requestId, 'Rejected by <@UBOB>: not during the release freeze');
      expect(await rig.ops.getJob(requestId)).toBeUndefined();
      expect(probe.runs).not.toContain(requestId);
    });

    it('a request cancelled while it waits loses its buttons, and a late click is told so', async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      await rig.pauseOutbox();
      const cancelled = await withApprovalServices(rig.deps, (services) =>
        cancelPendingApproval(rig.deps, services, requestId, 'UALICE'),
      );
      expect(cancelled).toBe(true);
      await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
      await answerTo(rig, 'UBOB', requestId, /was cancelled/);
      await rig.resumeOutbox();
      const after = await rig.card(requestId, (c) => c.text.includes('Cancelled'));
      expect(buttonsOf(after)).toEqual([]);
      expect(await rig.ops.getJob(`${requestId}-approval`)).toBeUndefined();
      expect(await rig.ops.getJob(requestId)).toBeUndefined();
      expect(await rig.redis.hget(rig.keys.request(requestId), 'state')).toBe('cancelled');
    });

    it('a reason submitted after the request was cancelled closes the modal and is told why it did not count', async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      await rig.standIn.click({ ts: card.ts, actionId: REJECT_ACTION, user: 'UBOB' });
      const modal = await rig.standIn.waitFor(() =>
        rig.standIn.views().find((v) => v.user === 'UBOB' && v.privateMetadata.includes(requestId)),
      );
      await withApprovalServices(rig.deps, (services) =>
        cancelPendingApproval(rig.deps, services, requestId, 'UALICE'),
      );
      const toldBefore = rig.ephemeralsFor('UBOB').filter((m) => /was cancelled/.test(m.text)).length;
      const submitted = await rig.standIn.submit({ viewId: modal.id, values: { reason_text: 'too late' } });
      // Acked at once: the decision comes after, told only to him beside the card.
      expect(submitted.closed).toBe(true);
      await rig.standIn.waitFor(
        () => rig.ephemeralsFor('UBOB').filter((m) => /was cancelled/.test(m.text)).length > toldBefore,
        { description: 'UBOB told the request was cancelled' },
      );
      const after = await rig.card(requestId, (c) => c.text.includes('Cancelled'));
      expect(textOf(after)).not.toContain('too late');
    });

    it('/bosun cancel: refused to someone who neither asked nor may approve; an approver may', async () => {
      const { requestId } = await askFor(rig, 'UALICE');
      const stranger = await rig.command(`cancel ${requestId}`, 'UCAROL');
      await answerTo(
        rig,
        'UCAROL',
        stranger.requestId,
        /Only <@UALICE>, who asked for .*, or someone who may approve it/,
      );
      expect(await rig.redis.hget(rig.keys.request(requestId), 'state')).toBe('awaiting-approval');

      const approver = await rig.command(`cancel ${requestId}`, 'UBOB');
      await answerTo(rig, 'UBOB', approver.requestId, /it was still waiting for approval/);
      const after = await rig.card(requestId, (c) => c.text.includes('Cancelled'));
      expect(buttonsOf(after)).toEqual([]);
      // Who cancelled it and when, on the card; what it would have run is folded away.
      expect(textOf(after)).toMatch(/\*Cancelled\* by <@UBOB> <!date\^\d+/);
      expect(textOf(after)).not.toContain('Will run');
      expect(await rig.redis.hget(rig.keys.request(requestId), 'state')).toBe('cancelled');
    });

    it('lets the requester withdraw her own request with Reject', async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      await rig.standIn.click({ ts: card.ts, actionId: REJECT_ACTION, user: 'UALICE' });
      const modal = await rig.standIn.waitFor(() => rig.standIn.views().find((v) => v.user === 'UALICE'));
      await rig.standIn.submit({ viewId: modal.id, values: { reason_text: 'wrong node' } });
      await rig.card(requestId, (c) => c.text.includes('Rejected'));
    });
  });

  describe('a quorum of two people from a user group', () => {
    let rig: ApprovalRig;
    const probe = countingOperation();

    beforeAll(async () => {
      rig = await startApprovalRig(import.meta.url, {
        policy: { rules: [{ commands: ['nodes'], approvals: 2, approvers: { groups: ['SSRE'] } }] },
        operations: { nodes: probe.operation },
        users: USERS,
        usergroups: [{ id: 'SSRE', handle: 'sre', users: ['UALICE', 'UBOB', 'UCAROL'] }],
      });
      await rig.startWorker();
    });
    afterAll(async () => await rig.close());

    it('needs two distinct approvers: the same person twice counts once', async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      expect(textOf(card)).toContain('needs 2 approvals from someone other than <@UALICE>');

      await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
      await rig.threadLine(requestId, '<@UBOB> approved (1 of 2).');
      const half = await rig.card(requestId, (c) =>
        textOf(c).includes('Approved so far by <@UBOB> (1 of 2)'),
      );
      expect(pending(half)).toBe(true);

      await rig.standIn.click({ ts: half.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
      await answerTo(rig, 'UBOB', requestId, /already approved/);
      expect(await rig.ops.getJob(requestId)).toBeUndefined();

      await rig.standIn.click({ ts: half.ts, actionId: APPROVE_ACTION, user: 'UCAROL' });
      const done = await rig.card(requestId, (c) => c.text.includes('Done'));
      expect(textOf(done)).toContain('Approved by <@UBOB> and <@UCAROL>');
      expect(probe.runs).toEqual([requestId]);
    });

    it('turns away someone outside the approver group, audits it, and changes nothing', async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UDAVE' });
      const denial = await answerTo(rig, 'UDAVE', requestId, /not among the approvers/);
      expect(denial.text).toContain('members of <!subteam^SSRE>');
      const after = await rig.card(requestId);
      expect(pending(after)).toBe(true);
      expect(textOf(after)).not.toContain('Approved so far');
      expect(await rig.ops.getJob(requestId)).toBeUndefined();
      const entries = await rig.redis.xrange(rig.keys.audit(), '-', '+');
      const denied = entries
        .map(([, f]) => f.join(' '))
        .filter((f) => f.includes(requestId) && f.includes('denied'));
      expect(denied).toEqual([expect.stringContaining('user UDAVE')]);
      expect(denied[0]).toContain('outcome not-approver');
    });
  });

  describe('expiry', () => {
    let rig: ApprovalRig;
    const clock = new HandClock();
    const probe = countingOperation();

    beforeAll(async () => {
      rig = await startApprovalRig(import.meta.url, {
        policy: { rules: [{ commands: ['nodes'], approvals: 1, expiry: '30m' }] },
        operations: { nodes: probe.operation },
        users: USERS,
        clock,
      });
      await rig.startWorker();
    });
    afterAll(async () => await rig.close());
    // A test that failed while holding the outbox back must not hold back the next one's card.
    afterEach(async () => await rig.resumeOutbox());

    it('a click after the expiry is explained, closes the approval and starts nothing', async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      expect(textOf(card)).toContain('expires <!date^');
      clock.advance(30 * 60_000);
      await rig.pauseOutbox();
      await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
      const answer = await answerTo(rig, 'UBOB', requestId, /expired/);
      expect(answer.text).toContain('nobody decided in time');
      await rig.standIn.click({ ts: card.ts, actionId: REJECT_ACTION, user: 'UCAROL' });
      await answerTo(rig, 'UCAROL', requestId, /expired/);
      expect(rig.standIn.views()).toEqual([]);
      await rig.resumeOutbox();

      const expired = await rig.card(requestId, (c) => c.text.includes('Expired'));
      expect(buttonsOf(expired)).toEqual([]);
      expect(await rig.ops.getJob(requestId)).toBeUndefined();
      expect(await rig.ops.getJob(`${requestId}-approval`)).toBeUndefined();
      expect(probe.runs).toEqual([]);
    });
  });

  describe('expiry with nobody clicking', () => {
    let rig: ApprovalRig;
    const probe = countingOperation();

    beforeAll(async () => {
      rig = await startApprovalRig(import.meta.url, {
        policy: { rules: [{ commands: ['nodes'], approvals: 1, expiry: '1s' }] },
        operations: { nodes: probe.operation },
        users: USERS,
      });
      await rig.startWorker();
    });
    afterAll(async () => await rig.close());

    it('the waiting approval stage closes it at its expiry and says so in the thread', async () => {
      const { requestId } = await askFor(rig, 'UALICE');
      const expired = await rig.card(requestId, (c) => c.text.includes('Expired'), 10_000);
      expect(buttonsOf(expired)).toEqual([]);
      await rig.threadLine(requestId, 'the approval expired');
      expect(probe.runs).toEqual([]);
    });
  });

  describe('fifty people clicking Approve at once', () => {
    let rig: ApprovalRig;
    const probe = countingOperation();
    const crowd = Array.from({ length: 50 }, (_, i) => `UCROWD${String(i).padStart(2, '0')}`);

    beforeAll(async () => {
      rig = await startApprovalRig(import.meta.url, {
        policy: { rules: [{ commands: ['nodes'], approvals: 1 }] },
        operations: { nodes: probe.operation },
        users: [person('UALICE'), ...crowd.map(person)],
      });
      await rig.startWorker();
    });
    afterAll(async () => await rig.close());

    it('enqueue exactly one job; the card confirms the one that counted, each of the others is told it was already approved', async () => {
      const { requestId, card } = await askFor(rig, 'UALICE');
      const clicks = await Promise.all(
        crowd.map((user) => rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user })),
      );
      expect(clicks.map((c) => c.status)).toEqual(crowd.map(() => 200));
      const done = await rig.card(requestId, (c) => c.text.includes('Done'), 10_000);
      const winner = /Approved by <@(UCROWD\d+)>/.exec(JSON.stringify(done.blocks))?.[1];
      expect(crowd).toContain(winner);
      const answers = await rig.standIn.waitFor(
        () => {
          const all = crowd.flatMap((u) => rig.ephemeralsFor(u).filter((m) => m.requestId === requestId));
          return all.length === crowd.length - 1 ? all : undefined;
        },
        { timeoutMs: 10_000, description: 'an answer for every click that did not count' },
      );
      expect(answers.filter((m) => m.text.includes(`Already approved by <@${winner}>`))).toHaveLength(49);
      // One confirmation per action: the approval that counted is on the card and in one thread line only.
      await new Promise((r) => setTimeout(r, 300));
      expect(rig.ephemeralsFor(winner ?? '').filter((m) => m.requestId === requestId)).toHaveLength(0);
      const line = await rig.threadLine(requestId, `Approved by <@${winner}>. Queued to run.`);
      const thread = rig.standIn.thread('COPS', line.threadTs ?? '').map((m) => m.text);
      expect(thread.filter((t) => t.includes(`Approved by <@${winner}>`))).toHaveLength(1);
      expect(probe.runs).toEqual([requestId]);
      const entries = await rig.redis.xrange(rig.keys.audit(), '-', '+');
      const approvals = entries.filter(([, f]) => f.includes(requestId) && f.includes('approved'));
      expect(approvals).toHaveLength(1);
    });
  });
});
