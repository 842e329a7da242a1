import { APPROVE_ACTION } from '../../src/messages/approval-card.js';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import { startTestSandbox } from '../support/sandbox.js';

/** `/bosun cancel`: who may, and what it does to a request at each stage. */
describe('/bosun cancel', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => await sandbox.stop());

  const card = (requestId: string): RecordedMessage | undefined =>
    sandbox.standIn.messages('COPS').find((m) => m.requestId === requestId && !m.ephemeral);
  const answerTo = (requestId: string, user: string) =>
    sandbox.standIn.waitFor(
      () =>
        sandbox.standIn.messages('COPS').find((m) => m.requestId === requestId && m.ephemeral?.user === user),
      { description: `the answer to ${requestId}` },
    );

  it('closes a request still waiting for approval: its buttons go and it ends cancelled', async () => {
    const drain = await sandbox.standIn.slashCommand({
      text: 'drain worker-2 --delete-emptydir-data',
      user: 'UALICE',
    });
    await sandbox.standIn.waitFor(
      () => {
        const found = card(drain.requestId);
        return found && JSON.stringify(found.blocks).includes(APPROVE_ACTION) ? found : undefined;
      },
      { timeoutMs: 15_000, description: 'the approval card' },
    );
    const cancel = await sandbox.standIn.slashCommand({ text: `cancel ${drain.requestId}`, user: 'UALICE' });
    expect((await answerTo(cancel.requestId, 'UALICE')).text).toContain(
      `Cancelled ${drain.requestId}; it was still waiting for approval.`,
    );
    const cancelled = await sandbox.standIn.waitFor(
      () => {
        const found = card(drain.requestId);
        return found && /Cancelled/.test(found.text) ? found : undefined;
      },
      { description: 'the cancelled card' },
    );
    expect(JSON.stringify(cancelled.blocks)).not.toContain(APPROVE_ACTION);

    const nodes = await sandbox.standIn.slashCommand({ text: 'jobs', user: 'UBOB' });
    expect((await answerTo(nodes.requestId, 'UBOB')).text).toContain(
      `${drain.requestId} drain worker-2 --delete-emptydir-data cancelled`,
    );
  });

  it('says so for an id that is not in this channel, and for a request that already ended', async () => {
    const unknown = await sandbox.standIn.slashCommand({ text: 'cancel r-aaaaaaaaaaaa', user: 'UBOB' });
    expect((await answerTo(unknown.requestId, 'UBOB')).text).toContain(
      'No request r-aaaaaaaaaaaa in this channel.',
    );

    const nodes = await sandbox.standIn.slashCommand({ text: 'nodes', user: 'UBOB' });
    await sandbox.standIn.waitFor(() => /Done/.test(card(nodes.requestId)?.text ?? ''), {
      timeoutMs: 10_000,
    });
    const late = await sandbox.standIn.slashCommand({ text: `cancel ${nodes.requestId}`, user: 'UBOB' });
    expect((await answerTo(late.requestId, 'UBOB')).text).toContain(
      `Request ${nodes.requestId} already ended (succeeded); nothing to cancel.`,
    );
  });
});
