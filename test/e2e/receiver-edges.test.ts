import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { slackRequestSignature } from '../../src/sandbox/slack/index.js';
import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/** Resident memory of a process, from /proc (MB). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** POSTs `size` bytes, unsigned, in 64 KiB chunks; chunked (no Content-Length) unless `declare`. */
function flood(url: string, size: number, declare: boolean): Promise<number> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (declare) headers['content-length'] = String(size);
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', () => resolve(-1));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const write = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

async function signedPost(
  rig: NodeOpsRig,
  url: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Promise<number> {
  const secret = rig.config.slack.signingSecret ?? '';
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackRequestSignature(secret, timestamp, body),
    },
    body,
  });
  await response.text();
  return response.status;
}

/**
 * The bot's HTTP receiver under hostile input, as a real `bosun bot` process: floods of oversized unsigned
 * bodies (memory stays bounded), validly signed `payload=null` (the bot stays up), and signed timestamps in the
 * future (refused like stale ones).
 */
describe("the bot's receiver holds at its edges", () => {
  let rig: NodeOpsRig;
  let bot: Awaited<ReturnType<NodeOpsRig['spawnBot']>>;

  beforeAll(async () => {
    rig = await startNodeOpsRig({ scenario: e2eScenario('drain-resume') });
    bot = await rig.spawnBot();
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('150 parallel oversized unsigned bodies keep the bot within 100 MB of its idle memory', async () => {
    // Idle, after a command has warmed it up.
    const id = await rig.command('nodes');
    await rig.ended(id);
    const idle = await rssMb(bot.pid);
    let peak = idle;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssMb(bot.pid));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const size = Math.floor(3.9 * 1024 * 1024);
    const statuses = await Promise.all(
      Array.from({ length: 150 }, (_, i) => flood(bot.url, size, i % 2 === 0)),
    );
    sampling = false;
    await sampler;
    console.log(
      `receiver flood: idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, statuses ${JSON.stringify(
        statuses.reduce<Record<string, number>>((acc, s) => {
          acc[s] = (acc[s] ?? 0) + 1;
          return acc;
        }, {}),
      )}`,
    );
    expect(peak - idle).toBeLessThan(100);
    expect(statuses.every((s) => s === 413 || s === 503 || s === -1)).toBe(true);
    expect(statuses.filter((s) => s === 413).length).toBeGreaterThan(0);
    // Still serving.
    const after = await rig.command('nodes');
    expect(await rig.ended(after)).toMatch(/Done/);
  }, 120_000);

  it('a validly signed payload=null is refused and the bot stays up', async () => {
    for (const body of ['payload=null', 'payload=42', 'payload=%5B%5D', 'payload=not-json']) {
      expect(await signedPost(rig, bot.url, body)).toBe(400);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(bot.process.exitCode).toBeNull();
    const id = await rig.command('nodes');
    expect(await rig.ended(id)).toMatch(/Done/);
  }, 60_000);

  it('a signed command with a timestamp ten minutes ahead is refused and runs nothing', async () => {
    const body = new URLSearchParams({
      command: '/bosun',
      text: 'cordon worker-3',
      user_id: 'UALICE',
      channel_id: 'COPS',
      trigger_id: 'future.1.abc',
      response_url: 'http://127.0.0.1:9/unused',
    }).toString();
    expect(await signedPost(rig, bot.url, body, Math.floor(Date.now() / 1000) + 600)).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(await rig.unschedulable('worker-3')).toBe(false);
    // A minute ahead (clock skew) is still taken, as a minute behind is.
    const taken = await signedPost(
      rig,
      bot.url,
      body.replace('future.1.abc', 'skew.1.abc'),
      Math.floor(Date.now() / 1000) + 60,
    );
    expect(taken).toBe(200);
  }, 60_000);
});
