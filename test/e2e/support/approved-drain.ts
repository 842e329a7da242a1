import { expect } from '@jest/globals';
import { APPROVE_ACTION } from '../../../src/messages/approval-card.js';
import type { RunningSandbox } from '../../../src/sandbox/sandbox.js';
import type { RecordedMessage } from '../../../src/sandbox/slack/index.js';

/** The sandbox's console API (`/api/sandbox/…`), as a person at the console or a script uses it. */
export function sandboxApi(sandbox: () => RunningSandbox) {
  const api = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${sandbox().url}/api/sandbox/${path}`, {
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
  return { api, messages, waitFor, cardOf };
}

/**
 * The spine under the sandbox's policy (a drain needs one approval from the other operator): UALICE asks for a
 * drain through the console API; the approval stage previews it and posts the buttons; her own click is refused
 * (four eyes), UBOB's starts the job; the worker drains the node, the card says Done, the thread has the
 * drain's replies, and the audit log tells the story in order, one line per event. Resolves to the request id.
 */
export async function approvedDrain(sandbox: RunningSandbox, node: string): Promise<string> {
  const { api, messages, waitFor, cardOf } = sandboxApi(() => sandbox);
  const { requestId } = (await api('command', { text: `drain ${node}`, user: 'UALICE' })) as {
    requestId: string;
  };
  const card = await waitFor((all) => {
    const found = cardOf(requestId)(all);
    return found && JSON.stringify(found.blocks).includes(APPROVE_ACTION) ? found : undefined;
  }, 'the approval card');
  expect(card.text).toContain('Waiting for approval');
  // The drain's preview, worked out by the read-only approval stage before the buttons appeared.
  expect(JSON.stringify(card.blocks)).toMatch(new RegExp(`\\*${node}\\*: \\d+ pods to evict`));

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
  await waitFor(
    (all) => cardOf(requestId)(all)?.replies.find((r) => /Drain finished/.test(r.text)),
    "the drain's summary in the thread",
  );

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
  const story = lines.map((l) => /<@(U[A-Z]+)> :[a-z_]+: ([^`]*?) `/.exec(l)?.slice(1, 3).join(' '));
  // One line per event that matters: the drain's thread replies and progress are not in the audit.
  expect(story).toEqual([
    'UALICE requested: awaiting-approval',
    'UALICE denied: own-request',
    'UBOB approved',
    'UALICE started',
    'UALICE finished: succeeded',
  ]);
  expect(lines.at(-1)).toMatch(new RegExp(`— ${node} drained; (\\d+) of \\1 pods evicted in `));
  return requestId;
}
