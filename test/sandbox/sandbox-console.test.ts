import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { type SandboxConsole, startSandboxConsole } from '../../src/sandbox/console/index.js';
import { type RecordedMessage, type SlackStandIn, startSlackStandIn } from '../../src/sandbox/slack/index.js';

const signingSecret = 'console-test-signing-secret';
const botToken = 'xoxb-console';
const kubeconfig = 'apiVersion: v1\nkind: Config\nclusters: []\n';

function buildBot(slackApiUrl: string): App {
  const app = new App({
    token: botToken,
    signingSecret,
    clientOptions: { slackApiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });
  app.command('/bosun', async ({ command, ack, say, client }) => {
    if (command.text === 'form') {
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'note',
          title: { type: 'plain_text', text: 'Note' },
          blocks: [
            {
              type: 'input',
              block_id: 'note',
              label: { type: 'plain_text', text: 'Note' },
              element: { type: 'plain_text_input', action_id: 'note_text' },
            },
          ],
        },
      });
      return;
    }
    if (!command.text.startsWith('drain')) {
      await ack(`Usage: /bosun drain <node> (you said "${command.text}")`);
      return;
    }
    await ack();
    await say({
      text: 'Drain node-1?',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Drain *node-1*?' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              text: { type: 'plain_text', text: 'Approve' },
              value: 'node-1',
            },
          ],
        },
      ],
    });
  });
  app.action('approve', async ({ ack, respond, body }) => {
    await ack();
    await respond({ replace_original: true, text: `Approved by <@${body.user.id}>` });
  });
  app.view('note', async ({ ack, view }) => {
    const text = view.state.values.note?.note_text?.value ?? '';
    await ack(text === '' ? { response_action: 'errors', errors: { note: 'Write something' } } : undefined);
  });
  return app;
}

describe('sandbox console API', () => {
  let standIn: SlackStandIn;
  let app: App;
  let sandboxConsole: SandboxConsole;

  const get = async (path: string) => fetch(`${sandboxConsole.url}${path}`);
  const post = async (path: string, body: unknown) =>
    fetch(`${sandboxConsole.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const messages = async (channel = 'COPS'): Promise<RecordedMessage[]> =>
    (await (await get(`/api/sandbox/messages?channel=${channel}`)).json()) as RecordedMessage[];

  beforeAll(async () => {
    standIn = await startSlackStandIn({
      signingSecret,
      botToken,
      delivery: { mode: 'http', url: 'http://127.0.0.1:1/slack/events' },
    });
    app = buildBot(standIn.apiUrl);
    const server = (await app.start(0)) as { address(): AddressInfo | string | null };
    const address = server.address();
    standIn.deliverTo({
      mode: 'http',
      url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/slack/events`,
    });
    sandboxConsole = await startSandboxConsole({ port: 0, standIn, kubeconfig: () => kubeconfig });
  });

  afterAll(async () => {
    await sandboxConsole.stop();
    await app.stop();
    await standIn.stop();
  });

  it('takes any command text and answers with its request id', async () => {
    const response = await post('/api/sandbox/command', { text: 'make me a sandwich' });

    expect(response.status).toBe(200);
    const { requestId } = (await response.json()) as { requestId: string };
    expect(requestId).toMatch(/^r-/);
    const usage = (await messages()).find((message) => message.requestId === requestId);
    expect(usage).toMatchObject({
      text: 'Usage: /bosun drain <node> (you said "make me a sandwich")',
      ephemeral: { user: 'UALICE' },
    });
  });

  it('refuses a command body without text, or naming a user that does not exist, with a 400 that says why', async () => {
    const noText = await post('/api/sandbox/command', { user: 'UBOB' });
    expect(noText.status).toBe(400);
    expect(((await noText.json()) as { error: string }).error).toContain('text');

    const notJson = await post('/api/sandbox/command', 'text=drain');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: 'the body is not JSON' });

    const stranger = await post('/api/sandbox/command', { text: 'drain node-1', user: 'UMALLORY' });
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as { error: string }).error).toContain('no user UMALLORY');
  });

  it('clicks a button as the chosen user and shows the result in the channel', async () => {
    await post('/api/sandbox/command', { text: 'drain node-1', channel: 'CBENCH02' });
    const card = await standIn.waitFor(() =>
      standIn.messages('CBENCH02').find((message) => message.text === 'Drain node-1?'),
    );

    const response = await post('/api/sandbox/click', { ts: card.ts, actionId: 'approve', user: 'UBOB' });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 200 });
    await standIn.waitFor(() => standIn.messages('CBENCH02').find((message) => message.edited));
    const after = await messages('CBENCH02');
    expect(after.find((message) => message.ts === card.ts)).toMatchObject({
      text: 'Approved by <@UBOB>',
      edited: true,
    });
  });

  it('answers 400 to a click on a button the message does not have', async () => {
    await post('/api/sandbox/command', { text: 'drain node-1', channel: 'CBENCH03' });
    const card = await standIn.waitFor(() => standIn.messages('CBENCH03')[0]);

    const response = await post('/api/sandbox/click', { ts: card.ts, actionId: 'explode', user: 'UALICE' });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('its actions: approve');
  });

  it('lists open modals and submits them, keeping one open while it has errors', async () => {
    await post('/api/sandbox/command', { text: 'form', user: 'UBOB' });
    const view = await standIn.waitFor(() =>
      standIn.views().find((candidate) => candidate.callbackId === 'note'),
    );
    const listed = (await (await get('/api/sandbox/views')).json()) as Array<{ id: string; title: string }>;
    expect(listed).toContainEqual(expect.objectContaining({ id: view.id, title: 'Note', user: 'UBOB' }));

    const empty = await post('/api/sandbox/submit', {
      viewId: view.id,
      values: { note_text: '' },
      user: 'UBOB',
    });
    expect(await empty.json()).toMatchObject({ closed: false, errors: { note: 'Write something' } });

    const filled = await post('/api/sandbox/submit', {
      viewId: view.id,
      values: { note_text: 'ok' },
      user: 'UBOB',
    });
    expect(await filled.json()).toMatchObject({ closed: true });
    expect(await (await get('/api/sandbox/views')).json()).toEqual([]);
  });

  it('closes a modal for the person it is open for, and only for them', async () => {
    await post('/api/sandbox/command', { text: 'form', user: 'UBOB' });
    const view = await standIn.waitFor(() =>
      standIn.views().find((candidate) => candidate.callbackId === 'note'),
    );

    const stranger = await post('/api/sandbox/close', { viewId: view.id, user: 'UALICE' });
    expect(stranger.status).toBe(400);
    expect(((await stranger.json()) as { error: string }).error).toContain('open for UBOB');
    expect(standIn.views().map((candidate) => candidate.id)).toContain(view.id);

    const closed = await post('/api/sandbox/close', { viewId: view.id, user: 'UBOB' });
    expect(closed.status).toBe(200);
    expect(await (await get('/api/sandbox/views')).json()).toEqual([]);

    const again = await post('/api/sandbox/close', { viewId: view.id, user: 'UBOB' });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: string }).error).toContain(`no open view ${view.id}`);
  });

  it('serves the kubeconfig as YAML', async () => {
    const response = await get('/api/sandbox/kubeconfig');

    expect(response.headers.get('content-type')).toContain('application/yaml');
    expect(await response.text()).toBe(kubeconfig);
  });

  it('serves a self-contained console page', async () => {
    const response = await get('/');
    const html = await response.text();

    expect(response.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<title>bosun sandbox</title>');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
  });
});
