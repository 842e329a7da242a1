import { auditFileComment, auditFileFailed } from '../../src/messages/audit-listing.js';
import { notice } from '../../src/messages/notice.js';
import type { RequestMeta } from '../../src/queue/payloads.js';
import { type OutboxRig, startOutboxRig } from '../support/outbox-rig.js';

let rig: OutboxRig;
let counter = 0;

function meta(channel = 'COPS'): RequestMeta {
  counter += 1;
  return {
    id: `r-outbox${String(counter).padStart(4, '0')}`,
    channel,
    user: 'UALICE',
    text: `nodes ${counter}`,
    cluster: 'prod',
    requestedAt: Date.now(),
  };
}

const card = (text: string) => ({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });

beforeAll(async () => {
  rig = await startOutboxRig(import.meta.url, ['COPS', 'CRETRY', 'CFLAKY', 'CCARD', 'CFILES', 'CDM']);
});
afterAll(async () => {
  await rig.close();
});
afterEach(() => {
  rig.standIn.faults.clear();
});

describe('outbox', () => {
  it('posts each request once with its replies in order, pacing the channel so Slack never limits it', async () => {
    // Slack's own limit for posting in one channel: about one message a second, short bursts tolerated.
    rig.standIn.faults.enforcePostingLimit({ burst: 3, perSecond: 1 });
    const requests = Array.from({ length: 2 }, () => meta());
    for (const request of requests) {
      expect(await rig.reporter.open(request, 'queued', card(`card ${request.id}`), { name: 'nodes' })).toBe(
        true,
      );
    }
    for (let i = 1; i <= 3; i++) {
      for (const request of requests)
        await rig.reporter.reply(request, notice('info', `${request.id} step ${i}`));
    }
    // A redelivered command changes nothing.
    expect(
      await rig.reporter.open(requests[0] as RequestMeta, 'queued', card('again'), { name: 'nodes' }),
    ).toBe(false);

    const parents = await rig.standIn.waitFor(
      () => {
        const mine = rig.standIn.messages('COPS').filter((m) => requests.some((r) => r.id === m.requestId));
        return mine.length === 2 && mine.every((m) => m.replies.length === 3) ? mine : undefined;
      },
      { timeoutMs: 20_000, description: '2 parents with 3 replies each' },
    );
    for (const parent of parents) {
      expect(parent.text).toBe(`card ${parent.requestId}`);
      expect(parent.metadata).toEqual({
        event_type: 'bosun_request',
        event_payload: { request_id: parent.requestId },
      });
      expect(parent.replies.map((r) => r.text)).toEqual(
        [1, 2, 3].map((i) => `${parent.requestId} step ${i}`),
      );
      for (const reply of parent.replies) expect(reply.requestId).toBe(parent.requestId);
    }
    expect(rig.standIn.faults.limitedCount('chat.postMessage')).toBe(0);
  });

  it("waits as long as Slack's Retry-After says, then delivers", async () => {
    const before = rig.standIn.callCount('chat.postMessage');
    const limitedBefore = rig.standIn.faults.limitedCount('chat.postMessage');
    rig.standIn.faults.inject({
      method: 'chat.postMessage',
      kind: 'ratelimited',
      times: 1,
      retryAfterSeconds: 1,
    });
    const request = meta('CRETRY');
    await rig.reporter.open(request, 'queued', card('rate limited parent'), { name: 'nodes' });
    await rig.reporter.reply(request, notice('info', 'after the wait'));
    const parent = await rig.standIn.waitFor(
      () => rig.standIn.messages('CRETRY').find((m) => m.requestId === request.id && m.replies.length === 1),
      { timeoutMs: 10_000 },
    );
    expect(parent.text).toBe('rate limited parent');
    expect(parent.replies[0]?.text).toBe('after the wait');
    expect(rig.standIn.faults.limitedCount('chat.postMessage') - limitedBefore).toBe(1);
    expect(rig.standIn.callCount('chat.postMessage') - before).toBe(3);
  });

  it('retries server errors and drops nothing', async () => {
    rig.standIn.faults.inject({ method: 'chat.postMessage', kind: 'server_error', status: 503, times: 3 });
    const request = meta('CFLAKY');
    await rig.reporter.open(request, 'queued', card('flaky parent'), { name: 'nodes' });
    for (let i = 1; i <= 3; i++) await rig.reporter.reply(request, notice('info', `reply ${i}`));
    const parent = await rig.standIn.waitFor(
      () => rig.standIn.messages('CFLAKY').find((m) => m.requestId === request.id && m.replies.length === 3),
      { timeoutMs: 15_000 },
    );
    expect(parent.replies.map((r) => r.text)).toEqual(['reply 1', 'reply 2', 'reply 3']);
  });

  it('coalesces rapid card updates to the latest state', async () => {
    const request = meta('CCARD');
    await rig.reporter.open(request, 'queued', card('state 0'), { name: 'nodes' });
    await rig.standIn.waitFor(() => rig.standIn.messages('CCARD').find((m) => m.requestId === request.id));
    const before = rig.standIn.callCount('chat.update');
    for (let i = 1; i <= 30; i++) await rig.reporter.card(request, card(`state ${i}`));
    await rig.standIn.waitFor(
      () => rig.standIn.messages('CCARD').find((m) => m.requestId === request.id && m.text === 'state 30'),
      { timeoutMs: 10_000 },
    );
    const updates = rig.standIn.callCount('chat.update') - before;
    expect(updates).toBeGreaterThan(0);
    expect(updates).toBeLessThan(30);
    expect(rig.standIn.messages('CCARD').filter((m) => m.requestId === request.id)).toHaveLength(1);
  });

  it('attaches long content as a file in the thread, after the replies before it', async () => {
    const request = meta('CFILES');
    await rig.reporter.open(request, 'queued', card('with a file'), { name: 'nodes' });
    await rig.reporter.reply(request, notice('info', 'summary first'));
    const content = Array.from({ length: 500 }, (_, i) => `worker-${i}   Ready`).join('\n');
    await rig.reporter.reply(request, notice('info', 'The full list:'), {
      filename: 'nodes.txt',
      title: 'Nodes',
      content,
    });
    const parent = await rig.standIn.waitFor(
      () => rig.standIn.messages('CFILES').find((m) => m.requestId === request.id && m.replies.length === 3),
      { timeoutMs: 10_000 },
    );
    expect(parent.replies[0]?.text).toBe('summary first');
    // The reply's blocks are shown as a message of their own (a file's message would show only its text),
    // then the file under its title.
    expect(JSON.stringify(parent.replies[1]?.blocks)).toContain('The full list:');
    expect(parent.replies[1]?.files).toBeUndefined();
    const file = parent.replies[2]?.files?.[0];
    expect(parent.replies[2]?.text).toBe('Nodes');
    expect(file?.name).toBe('nodes.txt');
    expect(rig.standIn.fileContent(file?.id ?? '')?.toString()).toBe(content);
  });

  it('withdraws a request: a card not yet posted never is, a posted one is deleted, its thread gets nothing more', async () => {
    const unposted = meta('CCARD');
    // Marked withdrawn before its parent's turn: the parent job finds it so and posts nothing.
    await rig.requests.claim(unposted, 'queued', card('never seen'), { name: 'cordon' });
    await rig.reporter.withdraw(unposted, notice('error', 'not for the channel'));
    await rig.reporter.open(unposted, 'queued', card('never seen'), { name: 'cordon' });
    const answer = await rig.standIn.waitFor(
      () => rig.standIn.messages('CCARD').find((m) => m.text.includes('not for the channel')),
      { timeoutMs: 10_000 },
    );
    // No response_url kept: the answer goes by postEphemeral, to the author only.
    expect(answer.ephemeral).toEqual({ user: 'UALICE' });

    const posted = { ...meta('CCARD'), responseUrl: 'http://127.0.0.1:9/spent' };
    await rig.reporter.open(posted, 'queued', card('seen, then gone'), { name: 'cordon' });
    await rig.standIn.waitFor(() => rig.standIn.messages('CCARD').find((m) => m.requestId === posted.id), {
      timeoutMs: 10_000,
    });
    await rig.reporter.withdraw(posted, notice('error', 'told privately'));
    await rig.reporter.reply(posted, notice('info', 'a late line'));
    // A response_url that no longer answers: the same words by postEphemeral.
    const told = await rig.standIn.waitFor(
      () => rig.standIn.messages('CCARD').find((m) => m.text.includes('told privately')),
      { timeoutMs: 10_000 },
    );
    expect(told.ephemeral).toEqual({ user: 'UALICE' });
    await rig.standIn.waitFor(
      () => (rig.standIn.messages('CCARD').some((m) => m.requestId === posted.id) ? undefined : true),
      { timeoutMs: 10_000, description: 'the withdrawn card deleted' },
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(rig.standIn.messages('CCARD').filter((m) => m.requestId === unposted.id && !m.ephemeral)).toEqual(
      [],
    );
    expect(JSON.stringify(rig.standIn.messages('CCARD'))).not.toContain('a late line');
  });

  it('shows ephemeral messages only to their user', async () => {
    await rig.reporter.ephemeral('COPS', 'UBOB', notice('warning', 'only for bob'));
    const message = await rig.standIn.waitFor(() =>
      rig.standIn.messages('COPS').find((m) => m.text.includes('only for bob')),
    );
    expect(message.ephemeral).toEqual({ user: 'UBOB' });
  });

  it("sends a person's file to their direct message with bosun, and says where they asked if Slack refuses it", async () => {
    const file = { filename: 'bosun-audit.txt', title: 'bosun audit log', content: 'line 1\nline 2' };
    await rig.reporter.directFile('CDM', 'UBOB', file, auditFileComment('/bosun'), auditFileFailed());
    const dm = await rig.standIn.waitFor(
      () => rig.standIn.messages('DBOB').find((m) => m.files?.[0]?.name === 'bosun-audit.txt'),
      { timeoutMs: 10_000, description: 'the file in the direct message' },
    );
    expect(dm.text).toBe('The audit log you asked for with `/bosun audit`.');
    expect(rig.standIn.fileContent(dm.files?.[0]?.id ?? '')?.toString()).toBe(file.content);
    expect(rig.standIn.messages('CDM')).toEqual([]);

    // Without im:write Slack refuses to open the direct message: the person hears it, only they.
    rig.standIn.faults.inject({
      method: 'conversations.open',
      kind: 'refused',
      error: 'missing_scope',
      times: 1,
    });
    await rig.reporter.directFile('CDM', 'UBOB', file, auditFileComment('/bosun'), auditFileFailed());
    const told = await rig.standIn.waitFor(() => rig.standIn.messages('CDM')[0], {
      timeoutMs: 10_000,
      description: 'the warning where they asked',
    });
    expect(told.ephemeral).toEqual({ user: 'UBOB' });
    expect(told.text).toContain('could not send the audit listing as a file');
    expect(rig.standIn.messages('DBOB').filter((m) => m.files?.length)).toHaveLength(1);
  });
});
