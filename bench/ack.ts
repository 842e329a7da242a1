import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import YAML from 'yaml';
import { Keys } from '../src/queue/keys.js';
import { OPS_QUEUE } from '../src/queue/names.js';
import { freePort, startLocalRedis } from '../src/sandbox/redis-server.js';
import { startSlackStandIn } from '../src/sandbox/slack/index.js';
import { startSimulator } from '../src/sim/index.js';
import { type BenchRecord, percentile, record } from './lib/record.js';

/**
 * `npm run bench -- ack`: 100 signed slash commands a second for 10 s against a real `bosun bot` process,
 * spread over 20 channels, with a real `bosun worker` process behind it. Measures the ack latency Slack would
 * see, then waits until every request has its job and its thread reply (paced at Slack's one message per second
 * per channel, so delivery takes a while) and counts the ones that did not.
 */
const RATE_PER_S = 100;
const DURATION_S = 10;
const CHANNELS = Array.from({ length: 20 }, (_, i) => `CBENCH${String(i + 1).padStart(2, '0')}`);
const root = fileURLToPath(new URL('..', import.meta.url));

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export async function run(): Promise<BenchRecord[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-ack-'));
  const redis = await startLocalRedis();
  const sim = await startSimulator({ scenario: 'small', timeScale: 0.05, port: 0 });
  const kubeconfig = join(dir, 'kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  await sim.settled({ timeoutMs: 60_000 });
  const signingSecret = randomBytes(16).toString('hex');
  const botToken = `xoxb-bench-${randomBytes(6).toString('hex')}`;
  const standIn = await startSlackStandIn({
    signingSecret,
    botToken,
    delivery: { mode: 'http', url: 'http://127.0.0.1:1/slack/events' },
    channels: [
      { id: 'COPS', name: 'ops', isPrivate: false },
      ...CHANNELS.map((id) => ({ id, name: id.toLowerCase(), isPrivate: false })),
    ],
  });
  const [botPort, botHealth, workerHealth] = [await freePort(), await freePort(), await freePort()];
  const config = {
    slack: { mode: 'http', port: botPort, apiUrl: standIn.apiUrl },
    redis: { url: redis.url, prefix: 'bench' },
    health: { botPort: botHealth, workerPort: workerHealth },
    worker: { concurrency: 16 },
    log: { level: 'warn' },
    clusters: [{ name: 'sandbox', kubeconfig, channels: CHANNELS, defaultIn: CHANNELS }],
  };
  const configFile = join(dir, 'bosun.yaml');
  await writeFile(configFile, YAML.stringify(config));
  const env = {
    ...process.env,
    BOSUN_CONFIG: configFile,
    SLACK_BOT_TOKEN: botToken,
    SLACK_SIGNING_SECRET: signingSecret,
  };
  const children = ['bot', 'worker'].map((kind) =>
    spawn(process.execPath, [join(root, 'bin/bosun.js'), kind], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const ops = new Queue(OPS_QUEUE, { connection, prefix: new Keys('bench').bullPrefix });
  try {
    await waitForHttp(`http://127.0.0.1:${botHealth}/readyz`, 30_000);
    await waitForHttp(`http://127.0.0.1:${workerHealth}/readyz`, 30_000);
    standIn.deliverTo({ mode: 'http', url: `http://127.0.0.1:${botPort}/slack/events` });
    // Warm up the bot (JIT, connections) with a few commands in #ops, not counted.
    for (let i = 0; i < 20; i++) await standIn.slashCommand({ text: 'help', channel: 'COPS' });

    const total = RATE_PER_S * DURATION_S;
    const acks: number[] = [];
    const failures: string[] = [];
    const requestIds: string[] = [];
    const started = performance.now();
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE_PER_S;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const channel = CHANNELS[i % CHANNELS.length] ?? 'COPS';
      const user = i % 2 === 0 ? 'UALICE' : 'UBOB';
      inFlight.push(
        standIn.slashCommand({ text: 'nodes', channel, user }).then((result) => {
          acks.push(result.ackMs);
          requestIds.push(result.requestId);
          if (result.status !== 200) failures.push(`${result.requestId}: HTTP ${result.status}`);
        }),
      );
    }
    await Promise.all(inFlight);
    const sendSeconds = (performance.now() - started) / 1000;
    console.log(
      `sent ${total} commands in ${sendSeconds.toFixed(1)} s; waiting for every job and thread reply…`,
    );

    const expected = new Set(requestIds);
    const waitStarted = Date.now();
    const deadline = waitStarted + 240_000;
    let missing = [...expected];
    while (missing.length > 0 && Date.now() < deadline) {
      const answered = new Set<string>();
      for (const channel of CHANNELS) {
        for (const message of standIn.messages(channel)) {
          if (message.requestId && message.replies.length > 0) answered.add(message.requestId);
        }
      }
      missing = [...expected].filter((id) => !answered.has(id));
      if (missing.length > 0) await new Promise((r) => setTimeout(r, 1000));
    }
    let withoutJob = 0;
    for (const id of expected) if (!(await ops.getJob(id))) withoutJob += 1;
    const lost = new Set([...missing, ...failures.map((f) => f.split(':')[0] ?? '')]).size + withoutJob;
    const deliverySeconds = (Date.now() - waitStarted) / 1000;
    console.log(
      `replies delivered ${deliverySeconds.toFixed(0)} s after the last command (paced at about 1 message/s per channel); missing ${missing.length}, without job ${withoutJob}`,
    );
    if (expected.size !== total) console.log(`warning: ${total - expected.size} duplicate request ids`);
    return [
      record({ name: 'ack', metric: 'ack_p50_ms', value: percentile(acks, 50), unit: 'ms' }),
      record({ name: 'ack', metric: 'ack_p99_ms', value: percentile(acks, 99), unit: 'ms', goal: '<= 25' }),
      record({
        name: 'ack',
        metric: 'lost',
        value: lost,
        unit: 'count',
        goal: '== 0',
        requests: total,
        channels: CHANNELS.length,
      }),
    ];
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map(
        (child) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r))),
      ),
    );
    await ops.close();
    connection.disconnect();
    await standIn.stop();
    await sim.stop();
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
