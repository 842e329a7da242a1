import { ApprovalClosedError } from '../../src/approvals/approval-closed-error.js';
import { APPROVE_ACTION, REJECT_ACTION } from '../../src/messages/approval-card.js';
import { notice } from '../../src/messages/notice.js';
import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import { type ApprovalRig, buttonsOf, probeOperation, startApprovalRig } from './support/approval-rig.js';

const person = (id: string) => ({ id, name: id.slice(1).toLowerCase(), isBot: false, tz: 'Etc/UTC' });

/**
 * An operation in two halves with an approval between them, as an upgrade does between control plane and
 * workers. It checkpoints its step in job data, so a run after the approval resumes at the second half.
 */
function twoHalves() {
  const log: string[] = [];
  const operation = probeOperation(async (ctx) => {
    const step = ctx.saved('step') ?? 'first-half';
    if (step === 'first-half') {
      log.push(`first half of ${ctx.request.id}`);
      await ctx.reply(notice('info', 'First half done.'));
      await ctx.checkpoint<string>('step').save('second-half');
    }
    try {
      await ctx.approval({
        phase: 'second-half',
        summary: 'First half done; go on with the second?',
        sections: ['*Next:* the second half, 3 nodes.'],
      });
    } catch (error) {
      if (error instanceof ApprovalClosedError) log.push(`tidied up after ${error.state}`);
      throw error;
    }
    log.push(`second half of ${ctx.request.id}`);
    await ctx.reply(notice('info', 'Second half done.'));
    return { summary: 'both halves done' };
  });
  return { operation, log };
}

const textOf = (message: RecordedMessage) => JSON.stringify(message.blocks);
const asksPhase = (card: RecordedMessage) =>
  buttonsOf(card).includes(APPROVE_ACTION) && textOf(card).includes('second-half');

describe('an approval in the middle of a job', () => {
  let rig: ApprovalRig;
  const { operation, log } = twoHalves();

  beforeAll(async () => {
    rig = await startApprovalRig(import.meta.url, {
      policy: { rules: [{ commands: ['nodes'], approvals: 1, approvers: { users: ['UBOB', 'UCAROL'] } }] },
      operations: { nodes: operation },
      users: ['UALICE', 'UBOB', 'UCAROL'].map(person),
    });
  });
  afterAll(async () => await rig.close());

  async function approvedAndWaiting(): Promise<{ requestId: string; card: RecordedMessage }> {
    const { requestId } = await rig.command('nodes', 'UALICE');
    const start = await rig.card(requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    await rig.standIn.click({ ts: start.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
    const card = await rig.card(requestId, asksPhase, 10_000);
    return { requestId, card };
  }

  it('waits delayed, without a worker slot, survives a worker restart, and resumes where it stopped', async () => {
    await rig.startWorker(1);
    const { requestId, card } = await approvedAndWaiting();
    expect(card.text).toContain('Waiting for approval');
    expect(textOf(card)).toContain('First half done; go on with the second?');
    expect(textOf(card)).toContain('*Next:* the second half, 3 nodes.');
    const job = await rig.ops.getJob(requestId);
    expect(await job?.getState()).toBe('delayed');

    // The only worker slot is free: another request runs to the end while this one waits.
    const other = await rig.command('nodes', 'UCAROL');
    const otherStart = await rig.card(other.requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    await rig.standIn.click({ ts: otherStart.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
    await rig.card(other.requestId, asksPhase, 10_000);

    await rig.stopWorker();
    await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UCAROL' });
    // Recorded while no worker runs (the audit has it); the card and one thread line confirm it once delivered.
    const approvedByCarol = async () =>
      (await rig.redis.xrange(rig.keys.audit(), '-', '+')).some(
        ([, f]) => f.includes(requestId) && f.includes('approved') && f.includes('UCAROL'),
      );
    for (let i = 0; i < 100 && !(await approvedByCarol()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await approvedByCarol()).toBe(true);
    expect(rig.ephemeralsFor('UCAROL').filter((m) => m.requestId === requestId)).toHaveLength(0);
    expect(log).toEqual([`first half of ${requestId}`, `first half of ${other.requestId}`]);

    await rig.startWorker(1);
    const done = await rig.card(requestId, (c) => c.text.includes('Done'), 10_000);
    expect(done.text).toContain('both halves done');
    expect(log).toEqual([
      `first half of ${requestId}`,
      `first half of ${other.requestId}`,
      `second half of ${requestId}`,
    ]);
    await rig.threadLine(requestId, 'First half done; go on with the second?');
    await rig.threadLine(requestId, 'Approved by <@UCAROL>. Continuing.');
    // Replies are delivered in order: a first half run twice would show before this line.
    await rig.threadLine(requestId, 'Second half done.');
    const thread = rig.standIn.thread('COPS', done.ts).map((m) => m.text);
    expect(thread.filter((t) => t.includes('First half done.'))).toHaveLength(1);
  });

  it('stops the job when the phase is rejected, and lets the operation tidy up', async () => {
    const { requestId, card } = await approvedAndWaiting();
    await rig.standIn.click({ ts: card.ts, actionId: REJECT_ACTION, user: 'UCAROL' });
    const modal = await rig.standIn.waitFor(() => rig.standIn.views().find((v) => v.user === 'UCAROL'));
    await rig.standIn.submit({ viewId: modal.id, values: { reason_text: 'workers are busy today' } });
    const rejected = await rig.card(requestId, (c) => /Rejected/.test(c.text) && !asksPhase(c), 10_000);
    expect(textOf(rejected)).toContain('workers are busy today');
    await rig.standIn.waitFor(() => log.find((l) => l === 'tidied up after rejected'));
    expect(log).not.toContain(`second half of ${requestId}`);
    const record = await rig.redis.hget(rig.keys.request(requestId), 'state');
    expect(record).toBe('rejected');
  });
});
