import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APPROVE_ACTION } from '../../src/messages/approval-card.js';
import { slackRequestSignature } from '../../src/sandbox/slack/index.js';
import type { Clock } from '../../src/shared/clock.js';
import { eventually } from '../support/sim.js';
import { type ApprovalRig, buttonsOf, probeOperation, startApprovalRig } from './support/approval-rig.js';

/** Real time, or real time minus an offset: a Slack whose deliveries carry an old timestamp. */
class LaggingClock implements Clock {
  lagMs = 0;
  now(): number {
    return Date.now() - this.lagMs;
  }
  async sleep(): Promise<void> {}
}

interface Captured {
  body: string;
  timestamp: string;
  signature: string;
}

/**
 * Sits between the stand-in and the bot on loopback and keeps a copy of each interactive delivery, as someone
 * able to read the traffic would. Later tests send copies, tampered or not, straight to the bot.
 */
async function startRecorder(
  target: () => string,
): Promise<{ url: string; seen: Captured[]; server: Server }> {
  const seen: Captured[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(request.headers['x-slack-request-timestamp'] ?? '');
      const signature = String(request.headers['x-slack-signature'] ?? '');
      if (body.startsWith('payload=')) seen.push({ body, timestamp, signature });
      send(target(), { body, timestamp, signature }).then(
        async (answer) => {
          response.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'text/plain',
          });
          response.end(await answer.text());
        },
        () => response.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/slack/events`, seen, server };
}

async function send(url: string, request: Captured): Promise<Response> {
  return await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': request.timestamp,
      'x-slack-signature': request.signature,
    },
    body: request.body,
  });
}

describe('interactivity payloads that Slack did not send', () => {
  let rig: ApprovalRig;
  let recorder: Awaited<ReturnType<typeof startRecorder>>;
  const slackClock = new LaggingClock();
  const runs: string[] = [];
  const probe = probeOperation(async ({ request }) => {
    runs.push(request.id);
    return { summary: 'probe ran' };
  });

  beforeAll(async () => {
    rig = await startApprovalRig(import.meta.url, {
      policy: { rules: [{ commands: ['nodes'], approvals: 2 }] },
      operations: { nodes: probe },
      users: ['UALICE', 'UBOB', 'UCAROL'].map((id) => ({
        id,
        name: id.toLowerCase(),
        isBot: false,
        tz: 'UTC',
      })),
      slackClock,
    });
    recorder = await startRecorder(() => rig.botUrl);
    rig.standIn.deliverTo({ mode: 'http', url: recorder.url });
    await rig.startWorker();
  });
  afterAll(async () => {
    await rig.close();
    await new Promise<void>((resolve) => recorder.server.close(() => resolve()));
  });

  async function state(requestId: string) {
    const approval = await rig.redis.hgetall(rig.keys.approval(requestId, 'start'));
    const audit = await rig.redis.xlen(rig.keys.audit());
    return { state: approval.state, votes: approval.votes, audit, job: await rig.ops.getJob(requestId) };
  }

  it('answers 401 to forged and stale clicks, changes nothing, and counts a verbatim replay once', async () => {
    const { requestId } = await rig.command('nodes', 'UALICE');
    const card = await rig.card(requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
    await rig.card(requestId, (c) => JSON.stringify(c.blocks).includes('(1 of 2)'));
    const genuine = recorder.seen.at(-1);
    if (!genuine) throw new Error('the click was not recorded');
    // The card shows the vote before the audit line for it is written: wait for both lines (asked, counted).
    const before = await eventually("the audit line for Bob's vote", async () => {
      const now = await state(requestId);
      return now.audit >= 2 ? now : undefined;
    });
    expect(before.state).toBe('pending');
    expect(before.job).toBeUndefined();

    // Mallory rewrites Bob's click as her own, keeping Bob's signature.
    const impersonated = { ...genuine, body: genuine.body.replaceAll('UBOB', 'UCAROL') };
    expect((await send(rig.botUrl, impersonated)).status).toBe(401);
    // She signs her own payload, without the signing secret.
    const forged = {
      ...impersonated,
      signature: slackRequestSignature('a-guessed-secret', Number(genuine.timestamp), impersonated.body),
    };
    expect((await send(rig.botUrl, forged)).status).toBe(401);
    // Bob's click, replayed six minutes after it was recorded (as signed at the time it was sent).
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 360;
    const stale = {
      body: genuine.body,
      timestamp: String(sixMinutesAgo),
      signature: slackRequestSignature(rig.signingSecret, sixMinutesAgo, genuine.body),
    };
    expect((await send(rig.botUrl, stale)).status).toBe(401);
    // Through the stand-in: a click whose delivery is six minutes old.
    slackClock.lagMs = 6 * 60_000;
    const late = await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UCAROL' });
    slackClock.lagMs = 0;
    expect(late.status).toBe(401);
    expect(await state(requestId)).toEqual(before);

    // The same signed request again within Slack's five minutes reaches the bot, and counts Bob once.
    expect((await send(rig.botUrl, genuine)).status).toBe(200);
    await rig.standIn.waitFor(() =>
      rig.ephemeralsFor('UBOB').find((m) => m.requestId === requestId && /already approved/.test(m.text)),
    );
    const after = await state(requestId);
    expect(after.state).toBe('pending');
    expect(after.votes).toBe(before.votes);
    expect(after.job).toBeUndefined();
    expect(runs).toEqual([]);

    await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UCAROL' });
    await rig.card(requestId, (c) => c.text.includes('Done'));
    expect(runs).toEqual([requestId]);
  });
});
