import { APPROVE_ACTION } from '../../src/messages/approval-card.js';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import { startTestSandbox } from '../support/sandbox.js';

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

  const api = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${sandbox.url}/api/sandbox/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return await response.json();
  };
  const messages = async () => (await api('messages?channel=COPS')) as RecordedMessage[];
  const waitFor = async <T>(
    find: (all: RecordedMessage[]) => T | undefined,
    what: string,
    timeoutMs = 15_000,
  ) => {
    const until = Date.now() + timeoutMs;
    for (let tries = 0; tries < 1000; tries++) {
      const found = find(await messages());
      if (found) return found;
      if (Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const cardOf = (requestId: string) => (all: RecordedMessage[]) =>
    all.find((m) => m.requestId === requestId && !m.ephemeral);

  it("is not started by the requester's own click (she is told why) and starts on the other operator's", async () => {
    const { requestId } = (await api('command', { text: 'drain worker-1', user: 'UALICE' })) as {
      requestId: string;
    };
    const card = await waitFor((all) => {
      const found = cardOf(requestId)(all);
      return found && JSON.stringify(found.blocks).includes(APPROVE_ACTION) ? found : undefined;
    }, 'the approval card');
    expect(card.text).toContain('Waiting for approval');
    // The drain's preview, worked out by the read-only approval stage before the buttons appeared.
    expect(JSON.stringify(card.blocks)).toMatch(/\*worker-1\*: \d+ pods to evict/);

    await api('click', { ts: card.ts, actionId: APPROVE_ACTION, user: 'UALICE' });
    const why = await waitFor(
      (all) => all.find((m) => m.ephemeral?.user === 'UALICE' && m.requestId === requestId),
      "UALICE's explanation",
    );
    expect(why.text).toContain('four eyes');
    expect(cardOf(requestId)(await messages())?.text).toContain('Waiting for approval');

    await api('click', { ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
    const done = await waitFor(
      (all) => {
        const found = cardOf(requestId)(all);
        return found && /Done/.test(found.text) ? found : undefined;
      },
      'the request to finish',
      60_000,
    );
    expect(JSON.stringify(done.blocks)).toContain('Approved by <@UBOB>');

    const audit = (await api('command', { text: 'audit --since 1h', user: 'UALICE' })) as {
      requestId: string;
    };
    const listing = await waitFor(
      (all) => all.find((m) => m.requestId === audit.requestId && m.ephemeral?.user === 'UALICE'),
      'the audit listing',
    );
    const lines = JSON.stringify(listing.blocks)
      .split('\\n')
      .filter((l) => l.includes(requestId));
    const story = lines.map((l) =>
      /<@(U[A-Z]+)> :[a-z_]+: ([a-z-]+): ([^`]*?) `/.exec(l)?.slice(1, 4).join(' '),
    );
    expect(story).toEqual([
      'UALICE requested awaiting-approval',
      'UALICE approval-requested pending',
      'UALICE denied own-request',
      'UBOB approved approved',
      'UALICE job-started started',
      ...story.slice(5, -1),
      'UALICE job-finished succeeded',
    ]);
  }, 120_000);

  it('runs a dry run at once: it changes nothing, so it waits for no approval', async () => {
    const { requestId } = (await api('command', { text: 'drain worker-3 --dry-run', user: 'UALICE' })) as {
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
});
