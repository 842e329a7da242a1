import { App, LogLevel } from '@slack/bolt';
import { type SlackStandIn, startSlackStandIn } from '../../src/sandbox/slack/index.js';

const signingSecret = 'socket-test-signing-secret';
const botToken = 'xoxb-socket';
const appToken = 'xapp-socket';

describe('Slack stand-in with a Bolt app in Socket Mode', () => {
  let standIn: SlackStandIn;
  let app: App;
  const clicks: string[] = [];

  beforeAll(async () => {
    standIn = await startSlackStandIn({ signingSecret, botToken, appToken, delivery: { mode: 'socket' } });
    app = new App({
      token: botToken,
      appToken,
      socketMode: true,
      clientOptions: { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } },
      installerOptions: { clientOptions: { slackApiUrl: standIn.apiUrl } },
      logLevel: LogLevel.ERROR,
    });
    app.command('/bosun', async ({ command, ack, say, client }) => {
      if (command.text === 'status') {
        await ack({ response_type: 'in_channel', text: 'all nodes ready' });
        return;
      }
      if (command.text === 'form') {
        await ack();
        await client.views.open({
          trigger_id: command.trigger_id,
          view: {
            type: 'modal',
            callback_id: 'reason_form',
            title: { type: 'plain_text', text: 'Reason' },
            blocks: [
              {
                type: 'input',
                block_id: 'reason',
                label: { type: 'plain_text', text: 'Why?' },
                element: { type: 'plain_text_input', action_id: 'reason_text' },
              },
            ],
          },
        });
        return;
      }
      await ack('queued');
      await say({
        text: 'Cordon node-1?',
        blocks: [
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
    app.action('approve', async ({ ack, body }) => {
      await ack();
      clicks.push(`${body.type}:${body.user.id}`);
    });
    app.view('reason_form', async ({ ack, view }) => {
      const reason = view.state.values.reason?.reason_text?.value ?? '';
      await ack(reason === '' ? { response_action: 'errors', errors: { reason: 'Say why' } } : undefined);
    });
    await app.start();
  });

  afterAll(async () => {
    await app.stop();
    await standIn.stop();
  });

  it('delivers a slash command envelope and records the ack payload', async () => {
    const result = await standIn.slashCommand({ text: 'drain node-1', user: 'UBOB' });

    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ text: 'queued' });
    const ack = standIn.messages('COPS').find((message) => message.requestId === result.requestId);
    expect(ack).toMatchObject({ text: 'queued', ephemeral: { user: 'UBOB' } });
    await standIn.waitFor(() =>
      standIn.messages('COPS').find((message) => message.text === 'Cordon node-1?'),
    );
  });

  it('shows an in_channel ack payload to everyone', async () => {
    const result = await standIn.slashCommand({ text: 'status' });

    const ack = standIn.messages('COPS').find((message) => message.requestId === result.requestId);
    expect(ack?.text).toBe('all nodes ready');
    expect(ack?.ephemeral).toBeUndefined();
  });

  it('delivers a click as an interactive envelope to app.action', async () => {
    const card = await standIn.waitFor(() =>
      standIn.messages('COPS').find((message) => message.text === 'Cordon node-1?'),
    );

    const click = await standIn.click({ ts: card.ts, actionId: 'approve', user: 'UALICE' });

    expect(click.status).toBe(200);
    expect(clicks).toEqual(['block_actions:UALICE']);
  });

  it('round-trips a modal submission over the socket', async () => {
    await standIn.slashCommand({ text: 'form' });
    const view = await standIn.waitFor(() =>
      standIn.views().find((candidate) => candidate.callbackId === 'reason_form'),
    );

    const empty = await standIn.submit({ viewId: view.id, values: {} });
    expect(empty.errors).toEqual({ reason: 'Say why' });

    const done = await standIn.submit({ viewId: view.id, values: { reason_text: 'kernel patch' } });
    expect(done.closed).toBe(true);
    expect(standIn.views()).toEqual([]);
  });
});
