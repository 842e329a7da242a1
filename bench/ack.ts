import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import YAML from 'yaml';
import { Keys } from '../src/queue/keys.js';
import { OPS_QUEUE } from '../src/queue/names.js';
import { freePort, startLocalRedis } from '../src/sandbox/redis-server.js';
import { type SignedSlashCommand, type SlackStandIn, startSlackStandIn } from '../src/sandbox/slack/index.js';
import { type BenchRecord, percentile, record } from './lib/record.js';

/**
 * `npm run bench -- ack`: 100 signed slash commands a second for 10 s against a real `bosun bot` process,
 * spread over 20 channels, with a real `bosun worker` process behind it. Measures the ack latency Slack would
 * see (from a load process of its own, bench/lib/ack-load.ts, as Slack sends from its own machines), then waits until every request has its job and its answer on its card (paced at Slack's one message per second
 * per channel, so delivery takes a while) and counts the ones that did not.
 *
 * The floor, in the same run under the same load: a bare Bolt app (bench/lib/bare-bolt-app.ts: Bolt's HTTP
 * receiver, a command listener that only acks) in its own process, sent the same commands side by side with
 * bosun's (one of each in every slot), so both meet the same machine at the same moments: the worker opening
 * 100 requests a second, the simulator serving it, redis-server. Its percentiles are the `baselineValue` of the
 * ack records. The floor alone on an idle machine, before and after, is recorded beside it (`ratioToFloorAlone`).
 */
const RATE_PER_S = 100;
const DURATION_S = 10;
const CHANNELS = Array.from({ length: 20 }, (_, i) => `CBENCH${String(i + 1).padStart(2, '0')}`);
const root = fileURLToPath(new URL('..', import.meta.url));
const GOAL_P99_MS = 25;
const GOAL_RATIO = 2;
/** Commands each app gets before the load, one at a time, so the load meets compiled code. */
const WARM_UP = 100;

interface Load {
  acks: number[];
  requestIds: string[];
  failures: string[];
}

/** `RATE_PER_S` × `DURATION_S` slash commands, round-robin over the channels, signed for where the stand-in delivers now. */
function loadCommands(standIn: SlackStandIn): SignedSlashCommand[] {
  return Array.from({ length: RATE_PER_S * DURATION_S }, (_, i) =>
    standIn.signedSlashCommand({
      text: 'nodes',
      channel: CHANNELS[i % CHANNELS.length] ?? 'COPS',
      user: i % 2 === 0 ? 'UALICE' : 'UBOB',
    }),
  );
}

/**
 * Sends the commands at `ratePerS` through bench/lib/ack-load.ts, in a process of its own, so the ack times do
 * not wait for this process's Web API work; one result per command, in order.
 */
async function sendLoad(
  dir: string,
  commands: SignedSlashCommand[],
  ratePerS: number,
): Promise<Array<{ ackMs: number; status: number }>> {
  const input = join(dir, 'load-in.json');
  const output = join(dir, 'load-out.json');
  await writeFile(input, JSON.stringify({ ratePerS, commands }));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/lib/ack-load.ts'), input, output],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  return JSON.parse(await readFile(output, 'utf8')) as Array<{ ackMs: number; status: number }>;
}

function toLoad(commands: SignedSlashCommand[], results: Array<{ ackMs: number; status: number }>): Load {
  const load: Load = { acks: [], requestIds: [], failures: [] };
  for (const [i, result] of results.entries()) {
    const requestId = commands[i]?.requestId ?? '';
    load.acks.push(result.ackMs);
    load.requestIds.push(requestId);
    if (result.status !== 200) load.failures.push(`${requestId}: HTTP ${result.status}`);
  }
  return load;
}

/**
 * Bosun's commands and the floor's, sent side by side: one of each in every slot, which goes first alternating,
 * so both apps meet the same machine at the same moments (the worker busy, the simulator serving it).
 */
async function sendSideBySide(
  dir: string,
  bosun: SignedSlashCommand[],
  floor: SignedSlashCommand[],
): Promise<{ bosun: Load; floor: Load }> {
  const both = bosun.flatMap((command, i) => {
    const other = floor[i];
    if (!other) return [command];
    return i % 2 === 0 ? [command, other] : [other, command];
  });
  const results = await sendLoad(dir, both, RATE_PER_S * 2);
  const ofBosun: typeof results = [];
  const ofFloor: typeof results = [];
  for (const [i, result] of results.entries()) {
    const pair = Math.floor(i / 2);
    const bosunFirst = pair % 2 === 0;
    ((i % 2 === 0) === bosunFirst ? ofBosun : ofFloor).push(result);
  }
  return { bosun: toLoad(bosun, ofBosun), floor: toLoad(floor, ofFloor) };
}

/** The bare Bolt app, started in its own process; resolves once it listens. */
async function startFloorApp(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/lib/bare-bolt-app.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(child, 'ready', 'the bare Bolt app', 30_000);
  return child;
}

/** `bosun sim` in its own process; resolves once the cluster has settled and the kubeconfig is written. */
async function startSimProcess(kubeconfig: string): Promise<ChildProcess> {
  const args = ['sim', '--scenario', 'small', '--time-scale', '0.05', '--kubeconfig', kubeconfig];
  const child = spawn(process.execPath, [join(root, 'bin/bosun.js'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(child, 'cluster settled', 'bosun sim', 90_000);
  return child;
}

/** Resolves when the child prints a line containing `marker`. */
async function waitForLine(
  child: ChildProcess,
  marker: string,
  what: string,
  timeoutMs: number,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes(marker)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

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
  // The simulated API server runs in a process of its own, as a real one would, so serving the worker does not
  // delay the stand-in that times the acks.
  const kubeconfig = join(dir, 'kubeconfig');
  const sim = await startSimProcess(kubeconfig);
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
    clusters: [
      { name: 'sandbox', kubeconfig, channels: ['COPS', ...CHANNELS], defaultIn: ['COPS', ...CHANNELS] },
    ],
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
    // The floor first, on a port of its own, warmed up the same way.
    const floorPort = await freePort();
    const floorEnv = {
      BARE_PORT: String(floorPort),
      BARE_SIGNING_SECRET: signingSecret,
      BARE_BOT_TOKEN: botToken,
      BARE_SLACK_API_URL: standIn.apiUrl,
      BARE_COMMAND: '/bosun',
    };
    // Each app is warmed up (JIT, connections) with the command the load sends, in #ops, not counted: `help`
    // would leave bosun's intake path (the durable write) cold for the first second of the load.
    const warmUp = async () => {
      for (let i = 0; i < WARM_UP; i++) await standIn.slashCommand({ text: 'nodes', channel: 'COPS' });
    };
    const floorUrl = `http://127.0.0.1:${floorPort}/slack/events`;
    const botUrl = `http://127.0.0.1:${botPort}/slack/events`;
    const floorApp = await startFloorApp(floorEnv);
    /** The floor alone on the machine (the worker idle): shown beside the goal's floor, not the goal's. */
    const floorAlone = async (): Promise<Load> => {
      standIn.deliverTo({ mode: 'http', url: floorUrl });
      await warmUp();
      const commands = loadCommands(standIn);
      return toLoad(commands, await sendLoad(dir, commands, RATE_PER_S));
    };
    const floorBefore = await floorAlone();
    const loadBefore = loadavg()[0] ?? 0;
    const floorCommands = loadCommands(standIn);

    standIn.deliverTo({ mode: 'http', url: botUrl });
    await warmUp();
    const bosunCommands = loadCommands(standIn);

    const total = RATE_PER_S * DURATION_S;
    const started = performance.now();
    const side = await sendSideBySide(dir, bosunCommands, floorCommands);
    const { acks, failures, requestIds } = side.bosun;
    const sendSeconds = (performance.now() - started) / 1000;
    console.log(
      `sent ${total} commands to bosun and ${total} to the floor side by side in ${sendSeconds.toFixed(1)} s; waiting for every job and its answer on the card…`,
    );

    const expected = new Set(requestIds);
    const waitStarted = Date.now();
    const deadline = waitStarted + 240_000;
    let missing = [...expected];
    while (missing.length > 0 && Date.now() < deadline) {
      const answered = new Set<string>();
      for (const channel of CHANNELS) {
        for (const message of standIn.messages(channel)) {
          // `nodes` is answered on its card, one message: the request is done when the card says so.
          if (message.requestId && !message.ephemeral && /: Done \(/.test(message.text))
            answered.add(message.requestId);
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
      `answers delivered ${deliverySeconds.toFixed(0)} s after the last command (paced at about 1 message/s per channel); missing ${missing.length}, without job ${withoutJob}`,
    );
    if (expected.size !== total) console.log(`warning: ${total - expected.size} duplicate request ids`);

    for (const child of children) await stopChild(child);
    const floorAfter = await floorAlone();
    await stopChild(floorApp);
    const loadAfter = loadavg()[0] ?? 0;
    const floorLost = side.floor.failures.length;
    const figure = (p: number) => {
      const value = percentile(acks, p);
      const floor = percentile(side.floor.acks, p);
      const alone = (percentile(floorBefore.acks, p) + percentile(floorAfter.acks, p)) / 2;
      return { value, floor, ratio: value / floor, alone, ratioToAlone: value / alone };
    };
    const p50 = figure(50);
    const p99 = figure(99);
    const met = p99.value <= GOAL_P99_MS && p99.ratio <= GOAL_RATIO && lost === 0;
    console.log(
      `floor (bare Bolt app) p99 ${p99.floor.toFixed(1)} ms side by side with bosun (${floorLost} failed); alone ${percentile(floorBefore.acks, 99).toFixed(1)} ms before, ${percentile(floorAfter.acks, 99).toFixed(1)} ms after; ` +
        `bosun p99 ${p99.value.toFixed(1)} ms = ${p99.ratio.toFixed(2)}× the floor (${p99.ratioToAlone.toFixed(2)}× the floor alone); load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}; ` +
        `goal (p99 ≤ ${GOAL_P99_MS} ms, ≤ ${GOAL_RATIO}× the floor, none lost): ${met ? 'PASS' : 'MISS'}`,
    );
    const baseline =
      'bare Bolt app (HTTP receiver, a command listener that only acks), sent side by side with bosun';
    return [
      record({
        name: 'ack',
        metric: 'ack_p50_ms',
        value: p50.value,
        unit: 'ms',
        baseline,
        baselineValue: p50.floor,
        ratio: p50.ratio,
      }),
      record({
        name: 'ack',
        metric: 'ack_p99_ms',
        value: p99.value,
        unit: 'ms',
        baseline,
        baselineValue: p99.floor,
        ratio: p99.ratio,
        goal: `<= ${GOAL_P99_MS} and ratio <= ${GOAL_RATIO}`,
        met,
        floorAloneBeforeMs: percentile(floorBefore.acks, 99),
        floorAloneAfterMs: percentile(floorAfter.acks, 99),
        ratioToFloorAlone: p99.ratioToAlone,
        floorFailed: floorLost,
        loadAverage: [loadBefore, loadAfter],
      }),
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
    await Promise.all(children.map(stopChild));
    await ops.close();
    connection.disconnect();
    await standIn.stop();
    await stopChild(sim);
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
