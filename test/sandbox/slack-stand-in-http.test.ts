import type { AddressInfo } from 'node:net';
import { App, LogLevel, type types } from '@slack/bolt';
import { requestIdFromTrigger } from '../../src/requests/request-id.js';
import { type SlackStandIn, startSlackStandIn } from '../../src/sandbox/slack/index.js';

const signingSecret = 'stand-in-test-signing-secret';
const botToken = 'xoxb-standin';

/** What the bot's listeners ran, so a test can tell a rejected request from one that reached a listener. */
const listenerRuns: string[] = [];

function drainCard(node: string): types.KnownBlock[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `Drain *${node}*?` } },
    {
      type: 'actions',
      block_id: 'decision',
      elements: [
        { type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' }, value: node },
        { type: 'button', action_id: 'reject', text: { type: 'plain_text', text: 'Reject' }, value: node },
      ],
    },
  ];
}

function buildBot(slackApiUrl: string): App {
  const app = new App({
    token: botToken,
    signingSecret,
    clientOptions: { slackApiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });

  app.command('/bosun', async ({ command, ack, say, respond, client }) => {
    listenerRuns.push(`command:${command.text}`);
    const [verb = '', node = 'node-1'] = command.text.split(' ');
    const metadata = {
      event_type: 'bosun_request',
      event_payload: { request_id: requestIdFromTrigger(command.trigger_id) },
    };
    switch (verb) {
      case 'ping':
        await ack('pong');
        return;
      case 'announce':
        await ack({ response_type: 'in_channel', text: `${command.user_name} announces maintenance` });
        return;
      case 'drain': {
        await ack();
        const card = await say({ text: `Drain ${node}?`, blocks: drainCard(node), metadata });
        const parent = card.ts ?? '';
        await client.chat.postMessage({
          channel: command.channel_id,
          thread_ts: parent,
          text: `${node} cordoned`,
          metadata,
        });
        await client.chat.postMessage({
          channel: command.channel_id,
          thread_ts: parent,
          text: `${node}: 3 pods to evict`,
          reply_broadcast: true,
          metadata,
        });
        return;
      }
      case 'progress': {
        await ack();
        const posted = await say({ text: `Upgrading ${node}: 0/3`, metadata });
        await client.chat.update({
          channel: command.channel_id,
          ts: posted.ts ?? '',
          text: `Upgrading ${node}: 3/3`,
        });
        return;
      }
      case 'whoami':
        await ack();
        await client.chat.postEphemeral({
          channel: command.channel_id,
          user: command.user_id,
          text: `You are ${command.user_name}`,
        });
        return;
      case 'later':
        await ack();
        await respond({ text: 'queued for later', response_type: 'ephemeral' });
        await respond({ text: 'started', response_type: 'in_channel' });
        return;
      case 'form':
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'drain_form',
            private_metadata: command.channel_id,
            title: { type: 'plain_text', text: 'Drain a node' },
            submit: { type: 'plain_text', text: 'Drain' },
            blocks: [
              {
                type: 'input',
                block_id: 'node',
                label: { type: 'plain_text', text: 'Node' },
                element: { type: 'plain_text_input', action_id: 'node_name' },
              },
            ],
          },
        });
        return;
      case 'report': {
        await ack();
        const parent = await say({ text: `Backup of ${node}`, metadata });
        await client.files.uploadV2({
          channel_id: command.channel_id,
          thread_ts: parent.ts ?? '',
          content: 'etcd snapshot: 42 keys\n',
          filename: 'backup-report.txt',
          title: 'Backup report',
          initial_comment: 'Report attached',
        });
        return;
      }
      default:
        await ack(`unknown command: ${verb}`);
    }
  });

  app.action('approve', async ({ ack, body, action, respond }) => {
    await ack();
    const value = action.type === 'button' ? action.value : '';
    listenerRuns.push(`approve:${body.user.id}:${value}`);
    await respond({ replace_original: true, text: `Drain ${value} approved by <@${body.user.id}>` });
  });

  app.view('drain_form', async ({ ack, view, body }) => {
    const node = view.state.values.node?.node_name?.value ?? '';
    listenerRuns.push(`submit:${body.user.id}:${node}:${view.private_metadata}`);
    if (!node.startsWith('node-')) {
      await ack({ response_action: 'errors', errors: { node: 'Node names start with node-' } });
      return;
    }
    await ack();
  });
  return app;
}

describe('Slack stand-in with a Bolt app over HTTP', () => {
  let standIn: SlackStandIn;
  let app: App;

  beforeAll(async () => {
    standIn = await startSlackStandIn({
      signingSecret,
      botToken,
      requestIdOf: requestIdFromTrigger,
      delivery: { mode: 'http', url: 'http://127.0.0.1:1/slack/events' },
    });
    app = buildBot(standIn.apiUrl);
    const server = (await app.start(0)) as { address(): AddressInfo | string | null };
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    standIn.deliverTo({ mode: 'http', url: `http://127.0.0.1:${port}/slack/events` });
  });

  afterAll(async () => {
    await app.stop();
    await standIn.stop();
  });

  it('shows a slash command ack to the user who typed it, tagged with the request id', async () => {
    const result = await standIn.slashCommand({ text: 'ping', user: 'UBOB' });

    expect(result.status).toBe(200);
    expect(result.body).toBe('pong');
    expect(result.triggerId).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(result.requestId).toBe(requestIdFromTrigger(result.triggerId));
    const ack = standIn.messages('COPS').find((message) => message.requestId === result.requestId);
    expect(ack).toMatchObject({ text: 'pong', user: 'UBOSUN', ephemeral: { user: 'UBOB' }, replies: [] });
  });

  it('signs a slash command for a load generator to send itself, and the bot takes and answers it', async () => {
    const signed = standIn.signedSlashCommand({ text: 'drain node-9', user: 'UBOB' });
    // Sent as another process would: plain fetch, the stand-in not involved.
    const response = await fetch(signed.url, {
      method: 'POST',
      headers: { ...signed.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: signed.body,
    });
    expect(response.status).toBe(200);
    const card = await standIn.waitFor(() =>
      standIn
        .messages('COPS')
        .find((message) => message.requestId === signed.requestId && message.replies.length === 2),
    );
    expect(card.text).toBe('Drain node-9?');

    const tampered = await fetch(signed.url, {
      method: 'POST',
      headers: { ...signed.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: signed.body.replace('node-9', 'node-1'),
    });
    expect(tampered.status).toBe(401);
  });

  it('shows an in_channel ack to everyone', async () => {
    const result = await standIn.slashCommand({ text: 'announce' });

    const ack = standIn.messages('COPS').find((message) => message.requestId === result.requestId);
    expect(ack?.text).toBe('alice announces maintenance');
    expect(ack?.ephemeral).toBeUndefined();
  });

  it('records posts with metadata, thread replies and broadcasts as a channel reader sees them', async () => {
    const result = await standIn.slashCommand({ text: 'drain node-7' });

    const card = await standIn.waitFor(() =>
      standIn
        .messages('COPS')
        .find((message) => message.requestId === result.requestId && message.replies.length === 2),
    );
    expect(card.text).toBe('Drain node-7?');
    expect(card.metadata).toEqual({
      event_type: 'bosun_request',
      event_payload: { request_id: result.requestId },
    });
    expect(card.replies.map((reply) => reply.text)).toEqual(['node-7 cordoned', 'node-7: 3 pods to evict']);
    expect(
      card.replies.every((reply) => reply.requestId === result.requestId && reply.threadTs === card.ts),
    ).toBe(true);
    expect(standIn.thread('COPS', card.ts).map((reply) => reply.text)).toEqual(
      card.replies.map((reply) => reply.text),
    );
    const broadcast = standIn
      .messages('COPS')
      .filter((message) => message.text === 'node-7: 3 pods to evict');
    expect(broadcast).toHaveLength(1);
    expect(broadcast[0]?.threadTs).toBe(card.ts);
  });

  it('shows an updated message once, as it is now', async () => {
    const result = await standIn.slashCommand({ text: 'progress node-2' });

    const updated = await standIn.waitFor(() =>
      standIn.messages('COPS').find((message) => message.requestId === result.requestId && message.edited),
    );
    expect(updated.text).toBe('Upgrading node-2: 3/3');
    expect(standIn.messages('COPS').filter((message) => message.requestId === result.requestId)).toHaveLength(
      1,
    );
  });

  it('marks an ephemeral message with the user who sees it', async () => {
    await standIn.slashCommand({ text: 'whoami', user: 'UBOB' });

    const note = await standIn.waitFor(() =>
      standIn.messages('COPS').find((message) => message.text === 'You are bob'),
    );
    expect(note.ephemeral).toEqual({ user: 'UBOB' });
  });

  it('records respond() posts to the response_url with the request id and their visibility', async () => {
    const result = await standIn.slashCommand({ text: 'later' });

    const started = await standIn.waitFor(() =>
      standIn.messages('COPS').find((message) => message.text === 'started'),
    );
    const queued = standIn.messages('COPS').find((message) => message.text === 'queued for later');
    expect(queued).toMatchObject({ requestId: result.requestId, ephemeral: { user: 'UALICE' } });
    expect(started.requestId).toBe(result.requestId);
    expect(started.ephemeral).toBeUndefined();
  });

  it('answers 401 to a forged signature and no listener runs', async () => {
    const before = listenerRuns.length;

    const result = await standIn.slashCommand({ text: 'ping', signature: 'forged' });

    expect(result.status).toBe(401);
    expect(listenerRuns).toHaveLength(before);
    const slackbot = standIn.messages('COPS').find((message) => message.requestId === result.requestId);
    expect(slackbot).toMatchObject({
      user: 'USLACKBOT',
      text: '/bosun failed with the error "dispatch_failed"',
    });
  });

  it('answers 401 to a request signed six minutes ago', async () => {
    const before = listenerRuns.length;

    const result = await standIn.slashCommand({
      text: 'ping',
      timestamp: Math.floor(Date.now() / 1000) - 360,
    });

    expect(result.status).toBe(401);
    expect(listenerRuns).toHaveLength(before);
  });

  it('delivers a button click to app.action, whose respond() replaces the card', async () => {
    const result = await standIn.slashCommand({ text: 'drain node-3', channel: 'CBENCH01' });
    const card = await standIn.waitFor(() =>
      standIn.messages('CBENCH01').find((message) => message.requestId === result.requestId),
    );

    const click = await standIn.click({ ts: card.ts, actionId: 'approve', user: 'UBOB' });

    expect(click.status).toBe(200);
    expect(listenerRuns).toContain('approve:UBOB:node-3');
    const replaced = await standIn.waitFor(() =>
      standIn.messages('CBENCH01').find((message) => message.ts === card.ts && message.edited),
    );
    expect(replaced.text).toBe('Drain node-3 approved by <@UBOB>');
    expect(replaced.requestId).toBe(result.requestId);
    expect(standIn.channels().map((channel) => channel.id)).toContain('CBENCH01');
  });

  it('says which actions a message has when a test clicks one it lacks', async () => {
    const result = await standIn.slashCommand({ text: 'drain node-4' });
    const card = await standIn.waitFor(() =>
      standIn.messages('COPS').find((message) => message.requestId === result.requestId),
    );

    await expect(standIn.click({ ts: card.ts, actionId: 'postpone', user: 'UALICE' })).rejects.toThrow(
      'has no action "postpone" (its actions: approve, reject)',
    );
  });

  it('opens a modal from a command and round-trips its submission, errors first', async () => {
    await standIn.slashCommand({ text: 'form', user: 'UBOB' });
    const view = await standIn.waitFor(() =>
      standIn.views().find((candidate) => candidate.callbackId === 'drain_form'),
    );
    expect(view).toMatchObject({ user: 'UBOB', title: 'Drain a node', privateMetadata: 'COPS' });
    expect(view.id).toMatch(/^V[A-Z0-9]+$/);

    const rejected = await standIn.submit({ viewId: view.id, values: { node_name: 'db-1' }, user: 'UBOB' });
    expect(rejected).toMatchObject({
      status: 200,
      closed: false,
      errors: { node: 'Node names start with node-' },
    });
    expect(standIn.views().map((candidate) => candidate.id)).toContain(view.id);

    const accepted = await standIn.submit({
      viewId: view.id,
      values: { node: { node_name: { type: 'plain_text_input', value: 'node-9' } } },
    });
    expect(accepted.closed).toBe(true);
    expect(listenerRuns).toContain('submit:UBOB:node-9:COPS');
    expect(standIn.views().map((candidate) => candidate.id)).not.toContain(view.id);
  });

  it('puts a files.uploadV2 upload in the thread and keeps its content', async () => {
    const result = await standIn.slashCommand({ text: 'report node-5' });

    const parent = await standIn.waitFor(() =>
      standIn
        .messages('COPS')
        .find((message) => message.requestId === result.requestId && message.replies.length > 0),
    );
    const [upload] = parent.replies;
    expect(upload?.text).toBe('Report attached');
    expect(upload?.files).toEqual([
      { id: expect.stringMatching(/^F/), name: 'backup-report.txt', title: 'Backup report', size: 23 },
    ]);
    expect(standIn.fileContent(upload?.files?.[0]?.id ?? '')?.toString('utf8')).toBe(
      'etcd snapshot: 42 keys\n',
    );
  });
});
