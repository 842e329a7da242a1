import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import {
  type SlackStandIn,
  slackRequestSignature,
  startSlackStandIn,
} from '../../src/sandbox/slack/index.js';
import type { Clock } from '../../src/shared/clock.js';

const signingSecret = 'web-api-test-signing-secret';
const botToken = 'xoxb-webapi';
const appToken = 'xapp-webapi';

/** A clock the test moves by hand, so expiry rules can be checked without waiting. */
class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.current += ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

interface CapturedDelivery {
  headers: IncomingMessage['headers'];
  body: string;
}

/** The smallest possible bot: records what Slack sent and acks with nothing. */
async function startCapturingBot(): Promise<{ server: Server; url: string; deliveries: CapturedDelivery[] }> {
  const deliveries: CapturedDelivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/slack/events`, deliveries };
}

function client(standIn: SlackStandIn, options: webApi.WebClientOptions = {}): webApi.WebClient {
  return new webApi.WebClient(botToken, {
    slackApiUrl: standIn.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
    ...options,
  });
}

async function slackError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error && 'data' in error) {
      const data = (error as { data: { error?: string } }).data;
      return data.error ?? 'no error code';
    }
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('Slack stand-in Web API', () => {
  let standIn: SlackStandIn;
  let bot: Awaited<ReturnType<typeof startCapturingBot>>;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    bot = await startCapturingBot();
    standIn = await startSlackStandIn({
      signingSecret,
      botToken,
      appToken,
      clock,
      delivery: { mode: 'http', url: bot.url },
    });
  });

  afterAll(async () => {
    await standIn.stop();
    await new Promise((resolve) => bot.server.close(resolve));
  });

  beforeEach(() => standIn.faults.clear());

  it('signs a slash command like Slack, with Slack form fields', async () => {
    const result = await standIn.slashCommand({ text: 'drain node-1', user: 'UBOB' });

    const delivery = bot.deliveries.at(-1);
    expect(delivery?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const timestamp = Number(delivery?.headers['x-slack-request-timestamp']);
    expect(delivery?.headers['x-slack-signature']).toBe(
      slackRequestSignature(signingSecret, timestamp, delivery?.body ?? ''),
    );
    const fields = Object.fromEntries(new URLSearchParams(delivery?.body));
    expect(Object.keys(fields)).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(fields).toMatchObject({
      channel_id: 'COPS',
      channel_name: 'ops',
      user_id: 'UBOB',
      user_name: 'bob',
      command: '/bosun',
      text: 'drain node-1',
      trigger_id: result.triggerId,
    });
    expect(fields.response_url).toMatch(new RegExp(`^${standIn.url}/respond/`));
  });

  it('delivers a redelivery with the same trigger id and request id', async () => {
    const first = await standIn.slashCommand({ text: 'drain node-2' });
    const again = await standIn.slashCommand({ text: 'drain node-2', triggerId: first.triggerId });

    expect(again).toMatchObject({ triggerId: first.triggerId, requestId: first.requestId, redelivery: true });
    const [firstFields, againFields] = bot.deliveries.slice(-2).map((d) => new URLSearchParams(d.body));
    expect(againFields?.get('trigger_id')).toBe(firstFields?.get('trigger_id'));
  });

  it('answers auth.test for the bot token and invalid_auth or not_authed for anything else', async () => {
    await expect(client(standIn).auth.test()).resolves.toMatchObject({
      ok: true,
      user_id: 'UBOSUN',
      bot_id: 'BBOSUN',
      team_id: 'TBOSUN',
    });
    await expect(
      slackError(
        new webApi.WebClient('xoxb-wrong', {
          slackApiUrl: standIn.apiUrl,
          retryConfig: { retries: 0 },
        }).auth.test(),
      ),
    ).resolves.toBe('invalid_auth');
    await expect(
      slackError(
        new webApi.WebClient(undefined, {
          slackApiUrl: standIn.apiUrl,
          retryConfig: { retries: 0 },
        }).auth.test(),
      ),
    ).resolves.toBe('not_authed');
  });

  it('answers unknown_method for a method it does not know', async () => {
    await expect(slackError(client(standIn).apiCall('chat.frobnicate', {}))).resolves.toBe('unknown_method');
  });

  it('accepts JSON bodies as Slack does', async () => {
    const response = await fetch(`${standIn.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'COPS', text: 'posted as JSON' }),
    });
    const body = (await response.json()) as { ok: boolean; ts: string };

    expect(body.ok).toBe(true);
    expect(standIn.messages('COPS').find((message) => message.ts === body.ts)?.text).toBe('posted as JSON');
  });

  it('refuses to post to a channel that does not exist', async () => {
    await expect(
      slackError(client(standIn).chat.postMessage({ channel: 'CNOWHERE', text: 'hi' })),
    ).resolves.toBe('channel_not_found');
  });

  it('refuses to update a missing message or one the bot did not post', async () => {
    const web = client(standIn);
    await expect(slackError(web.chat.update({ channel: 'COPS', ts: '1.000001', text: 'x' }))).resolves.toBe(
      'message_not_found',
    );
    const human = standIn.postAsUser({ channel: 'COPS', user: 'UALICE', text: 'is node-1 back?' });
    await expect(slackError(web.chat.update({ channel: 'COPS', ts: human.ts, text: 'x' }))).resolves.toBe(
      'cant_update_message',
    );
  });

  it('keeps metadata through chat.update and marks the message edited', async () => {
    const web = client(standIn);
    const metadata = { event_type: 'bosun_request', event_payload: { request_id: 'r-update' } };
    const posted = await web.chat.postMessage({ channel: 'COPS', text: 'draining', metadata });
    await web.chat.update({ channel: 'COPS', ts: posted.ts ?? '', text: 'drained' });

    const message = standIn.messages('COPS').find((candidate) => candidate.ts === posted.ts);
    expect(message).toMatchObject({ text: 'drained', edited: true, requestId: 'r-update', metadata });
  });

  it('links a message with a permalink that resolves to it', async () => {
    const web = client(standIn);
    const posted = await web.chat.postMessage({ channel: 'COPS', text: 'link me' });
    const { permalink } = await web.chat.getPermalink({ channel: 'COPS', message_ts: posted.ts ?? '' });

    expect(permalink).toBe(`${standIn.url}/archives/COPS/p${(posted.ts ?? '').replace('.', '')}`);
    const resolved = (await (await fetch(permalink ?? '')).json()) as {
      message: { text: string; ts: string };
    };
    expect(resolved.message).toMatchObject({ text: 'link me', ts: posted.ts });
  });

  it('looks up users, user groups and channels with Slack errors for unknown ones', async () => {
    const web = client(standIn);
    const { user } = await web.users.info({ user: 'UALICE' });
    expect(user).toMatchObject({ id: 'UALICE', name: 'alice', real_name: 'Alice Operator' });
    await expect(slackError(web.users.info({ user: 'UNOBODY' }))).resolves.toBe('user_not_found');
    await expect(web.usergroups.users.list({ usergroup: 'SOPERATORS' })).resolves.toMatchObject({
      users: ['UALICE', 'UBOB'],
    });
    await expect(slackError(web.usergroups.users.list({ usergroup: 'SNOPE' }))).resolves.toBe(
      'no_such_subteam',
    );
    await expect(web.conversations.info({ channel: 'COPS' })).resolves.toMatchObject({
      channel: { id: 'COPS', name: 'ops' },
    });
    await expect(slackError(web.conversations.info({ channel: 'CNOPE' }))).resolves.toBe('channel_not_found');
  });

  it('opens Socket Mode connections only for the app token', async () => {
    const appClient = new webApi.WebClient(appToken, {
      slackApiUrl: standIn.apiUrl,
      retryConfig: { retries: 0 },
    });
    const { url } = await appClient.apps.connections.open();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=/);
    await expect(slackError(client(standIn).apps.connections.open())).resolves.toBe('not_allowed_token_type');
  });

  it('accepts a trigger id for views.open within 3 seconds, once', async () => {
    const web = client(standIn);
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'Confirm' },
      blocks: [],
    };
    await expect(slackError(web.views.open({ trigger_id: '1.2.abc', view }))).resolves.toBe(
      'invalid_trigger_id',
    );

    const fresh = await standIn.slashCommand({ text: 'form' });
    await expect(web.views.open({ trigger_id: fresh.triggerId, view })).resolves.toMatchObject({
      view: { id: expect.stringMatching(/^V/) },
    });
    await expect(slackError(web.views.open({ trigger_id: fresh.triggerId, view }))).resolves.toBe(
      'exchanged_trigger_id',
    );

    const stale = await standIn.slashCommand({ text: 'form' });
    clock.advance(3100);
    await expect(slackError(web.views.open({ trigger_id: stale.triggerId, view }))).resolves.toBe(
      'expired_trigger_id',
    );
  });

  it('takes five posts to a response_url within 30 minutes', async () => {
    await standIn.slashCommand({ text: 'later' });
    const responseUrl = new URLSearchParams(bot.deliveries.at(-1)?.body).get('response_url') ?? '';
    const post = (text: string) =>
      fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });

    const statuses: number[] = [];
    for (let use = 1; use <= 6; use++) statuses.push((await post(`update ${use}`)).status);

    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(standIn.messages('COPS').filter((message) => message.text.startsWith('update '))).toHaveLength(5);

    await standIn.slashCommand({ text: 'much later' });
    const laterUrl = new URLSearchParams(bot.deliveries.at(-1)?.body).get('response_url') ?? '';
    clock.advance(31 * 60 * 1000);
    const expired = await fetch(laterUrl, { method: 'POST', body: JSON.stringify({ text: 'too late' }) });
    expect(expired.status).toBe(404);
    expect(await expired.json()).toEqual({ ok: false, error: 'expired_url' });
  });

  it('lets web-api see an injected 429 with its Retry-After and retry it', async () => {
    const web = client(standIn, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const retryAfters: number[] = [];
    web.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => retryAfters.push(seconds));
    const before = standIn.callCount('chat.postMessage');
    standIn.faults.inject({
      method: 'chat.postMessage',
      kind: 'ratelimited',
      times: 1,
      retryAfterSeconds: 1,
    });

    const posted = await web.chat.postMessage({ channel: 'COPS', text: 'after the limit' });

    expect(retryAfters).toEqual([1]);
    expect(standIn.callCount('chat.postMessage') - before).toBe(2);
    expect(standIn.faults.limitedCount('chat.postMessage')).toBeGreaterThanOrEqual(1);
    expect(standIn.messages('COPS').filter((message) => message.ts === posted.ts)).toHaveLength(1);
  });

  it('lets a client that rejects rate-limited calls read the Retry-After', async () => {
    const web = client(standIn, { rejectRateLimitedCalls: true });
    standIn.faults.inject({ method: /^chat\./, kind: 'ratelimited', times: 1, retryAfterSeconds: 7 });

    const error = await web.chat
      .postMessage({ channel: 'COPS', text: 'x' })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: webApi.ErrorCode.RateLimitedError, retryAfter: 7 });
  });

  it('answers an injected 5xx, which web-api retries', async () => {
    standIn.faults.inject({ method: 'chat.update', kind: 'server_error', times: 1, status: 503 });
    const failing = await client(standIn)
      .chat.update({ channel: 'COPS', ts: '1.000001', text: 'x' })
      .catch((caught: unknown) => caught);
    expect(failing).toMatchObject({ code: webApi.ErrorCode.HTTPError, statusCode: 503 });

    standIn.faults.inject({ method: 'chat.postMessage', kind: 'server_error', times: 1 });
    const before = standIn.callCount('chat.postMessage');
    const web = client(standIn, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    await expect(web.chat.postMessage({ channel: 'COPS', text: 'after a 500' })).resolves.toMatchObject({
      ok: true,
    });
    expect(standIn.callCount('chat.postMessage') - before).toBe(2);
  });

  it('enforces the posting limit per channel, never on a client that keeps to it', async () => {
    const web = client(standIn, { rejectRateLimitedCalls: true });
    standIn.faults.enforcePostingLimit({ burst: 2, perSecond: 1 });

    const limitedBefore = standIn.faults.limitedCount('chat.postMessage');
    for (let second = 0; second < 5; second++) {
      await web.chat.postMessage({ channel: 'COPS', text: `paced ${second}` });
      clock.advance(1000);
    }
    expect(standIn.faults.limitedCount('chat.postMessage')).toBe(limitedBefore);

    const burst = await Promise.allSettled(
      [1, 2, 3].map((n) => web.chat.postMessage({ channel: 'COPS', text: `burst ${n}` })),
    );

    expect(burst.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const limited = burst[2];
    expect(limited?.status === 'rejected' ? limited.reason : undefined).toMatchObject({ retryAfter: 1 });
    await expect(web.chat.postMessage({ channel: 'UBOB', text: 'another channel' })).resolves.toMatchObject({
      channel: 'DBOB',
    });
  });

  it('uploads a file through files.uploadV2 into a thread', async () => {
    const web = client(standIn);
    const parent = await web.chat.postMessage({ channel: 'COPS', text: 'backup done' });

    await web.files.uploadV2({
      channel_id: 'COPS',
      thread_ts: parent.ts ?? '',
      file: Buffer.from('binary\u0000bytes'),
      filename: 'snapshot.db',
    });

    const [reply] = standIn.thread('COPS', parent.ts ?? '');
    expect(reply?.files?.[0]).toMatchObject({ name: 'snapshot.db', size: 12 });
    expect(standIn.fileContent(reply?.files?.[0]?.id ?? '')).toEqual(Buffer.from('binary\u0000bytes'));
  });
});

describe('Slack stand-in when the bot does not take a delivery', () => {
  it('tells the user operation_timeout when the bot does not ack in time', async () => {
    const silent = createServer(() => {
      // never answers: the stand-in gives up after ackTimeoutMs and drops the connection
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const standIn = await startSlackStandIn({
      signingSecret,
      botToken,
      ackTimeoutMs: 100,
      delivery: { mode: 'http', url: `http://127.0.0.1:${port}/slack/events` },
    });
    try {
      const result = await standIn.slashCommand({ text: 'drain node-1' });

      expect(result.status).toBe(504);
      expect(standIn.messages('COPS')).toEqual([
        expect.objectContaining({
          user: 'USLACKBOT',
          text: '/bosun failed with the error "operation_timeout"',
          ephemeral: { user: 'UALICE' },
          requestId: result.requestId,
        }),
      ]);
    } finally {
      await standIn.stop();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('tells the user dispatch_failed when no Socket Mode client is connected', async () => {
    const standIn = await startSlackStandIn({
      signingSecret,
      botToken,
      appToken,
      delivery: { mode: 'socket' },
    });
    try {
      const result = await standIn.slashCommand({ text: 'status', user: 'UBOB' });

      expect(result.status).toBe(503);
      expect(standIn.messages('COPS')[0]).toMatchObject({
        text: '/bosun failed with the error "dispatch_failed"',
        ephemeral: { user: 'UBOB' },
      });
    } finally {
      await standIn.stop();
    }
  });
});
