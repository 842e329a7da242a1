import { APPROVE_ACTION } from '../../src/messages/approval-card.js';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import { startTestSandbox } from '../support/sandbox.js';
import { approvedDrain, sandboxApi } from './support/approved-drain.js';

/**
 * The sandbox's own policy, end to end through its console API: operators UALICE and UBOB, and a drain needs
 * one approval from the other one.
 */
describe('approvals in the sandbox', () => {
  let sandbox: RunningSandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => await sandbox.stop());

  const { api, waitFor, cardOf } = sandboxApi(() => sandbox);

  it("is not started by the requester's own click (she is told why) and starts on the other operator's", async () => {
    await approvedDrain(sandbox, 'worker-1');
  }, 120_000);

  it('runs a dry run at once: it changes nothing, so it waits for no approval', async () => {
    const { requestId } = (await api('command', {
      text: 'drain worker-3 --delete-emptydir-data --dry-run',
      user: 'UALICE',
    })) as {
      requestId: string;
    };
    const done = await waitFor(
      (all) => {
        const found = cardOf(requestId)(all);
        return found && /Done/.test(found.text) ? found : undefined;
      },
      'the dry run to finish',
      30_000,
    );
    expect(done.text).toMatch(/dry run: \d+ pods would be evicted; nothing changed/);
    expect(JSON.stringify(done.blocks)).not.toContain(APPROVE_ACTION);
  });

  it('answers a drain of a node that does not exist to its author alone, and asks nobody to approve it', async () => {
    const { requestId } = (await api('command', { text: 'drain wroker-2', user: 'UALICE' })) as {
      requestId: string;
    };
    const answer = await sandbox.standIn.waitFor(
      () => sandbox.standIn.messages('COPS').find((m) => m.requestId === requestId && m.ephemeral),
      { timeoutMs: 30_000, description: 'the answer to the typo' },
    );
    expect(answer.ephemeral).toEqual({ user: 'UALICE' });
    expect(answer.text).toContain('There is no node wroker-2 on this cluster. Did you mean worker-2');
    await sandbox.standIn.waitFor(
      () =>
        sandbox.standIn.messages('COPS').some((m) => m.requestId === requestId && !m.ephemeral)
          ? undefined
          : true,
      { timeoutMs: 10_000, description: 'no card left in the channel' },
    );
    expect(JSON.stringify(sandbox.standIn.messages('COPS'))).not.toMatch(/drain wroker-2[^"]*Approve/);
  });
});
