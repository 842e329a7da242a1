import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/sim/index.js';
import { type BenchRecord, record } from './lib/record.js';

/**
 * The Kubernetes API simulator on loopback: list, get and watch fan-out throughput with the `busy` scenario
 * (~500 pods), and the resident memory of a `busy` simulator once settled (in a fresh process, so the
 * figure is the simulator's own). Every loop is bounded by a count and a deadline.
 */

const here = fileURLToPath(import.meta.url);

/** Runs `request` with `concurrency` workers until `count` requests are done or `budgetMs` has passed. */
async function throughput(
  count: number,
  concurrency: number,
  budgetMs: number,
  request: () => Promise<void>,
) {
  const started = performance.now();
  let done = 0;
  let issued = 0;
  const worker = async () => {
    while (issued < count && performance.now() - started < budgetMs) {
      issued++;
      await request();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { done, seconds, perSecond: done / seconds };
}

async function expectOk(response: Response): Promise<void> {
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

/** 100 watchers on one collection, then a burst of writes; how fast do all the events reach all of them. */
async function watchFanOut(url: string, watchers: number, writes: number, budgetMs: number) {
  const base = `${url}/api/v1/namespaces/default/configmaps`;
  const list = (await (await fetch(base)).json()) as { metadata: { resourceVersion: string } };
  const controllers: AbortController[] = [];
  const received = new Array<number>(watchers).fill(0);
  let resolveAll: () => void = () => {};
  const allReceived = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const total = watchers * writes;
  let delivered = 0;
  const streams = Array.from({ length: watchers }, async (_, index) => {
    const controller = new AbortController();
    controllers.push(controller);
    const response = await fetch(`${base}?watch=true&resourceVersion=${list.metadata.resourceVersion}`, {
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let newline = buffered.indexOf('\n');
        while (newline !== -1) {
          buffered = buffered.slice(newline + 1);
          received[index] = (received[index] ?? 0) + 1;
          delivered++;
          if (delivered === total) resolveAll();
          newline = buffered.indexOf('\n');
        }
      }
    } catch {
      // aborted at the end of the benchmark
    }
  });
  // Give every watch time to be established before the burst.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = performance.now();
  for (let i = 0; i < writes; i++) {
    const response = await fetch(base, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `burst-${i}` },
        data: { i: String(i) },
      }),
    });
    await expectOk(response);
  }
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), budgetMs).unref());
  const outcome = await Promise.race([allReceived.then(() => 'ok' as const), timeout]);
  const seconds = (performance.now() - started) / 1000;
  for (const controller of controllers) controller.abort();
  await Promise.allSettled(streams);
  return { outcome, delivered, total, seconds, perSecond: delivered / seconds };
}

/** In a child process: start `busy`, settle, print RSS in bytes. */
async function rssChild(): Promise<void> {
  const simulator = await startSimulator({ scenario: 'busy', timeScale: 0.01 });
  await simulator.settled({ timeoutMs: 60_000 });
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  process.stdout.write(
    `${JSON.stringify({ rss: process.memoryUsage().rss, pods: (await simulator.registry.list({ group: '', resource: 'pods' })).items.length })}\n`,
  );
  await simulator.stop();
}

async function measureRss(): Promise<{ rss: number; pods: number }> {
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', here, '--rss-child'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = output.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as { rss: number; pods: number });
      } catch {
        reject(new Error(`rss child exited with ${code}: ${output}`));
      }
    });
  });
}

export async function run(): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  const simulator = await startSimulator({ scenario: 'busy', timeScale: 0.01 });
  try {
    await simulator.settled({ timeoutMs: 60_000 });
    const url = simulator.url;
    const { items } = await simulator.registry.list({ group: '', resource: 'pods' });
    const names = items.map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);

    const list = await throughput(200, 8, 15_000, async () => expectOk(await fetch(`${url}/api/v1/pods`)));
    records.push(
      record({
        name: 'sim-list',
        metric: 'requests_per_s',
        value: list.perSecond,
        unit: 'req/s',
        pods: names.length,
        requests: list.done,
      }),
    );

    let next = 0;
    const get = await throughput(5000, 16, 15_000, async () => {
      const [namespace, name] = (names[next++ % names.length] ?? '/').split('/');
      await expectOk(await fetch(`${url}/api/v1/namespaces/${namespace}/pods/${name}`));
    });
    records.push(
      record({
        name: 'sim-get',
        metric: 'requests_per_s',
        value: get.perSecond,
        unit: 'req/s',
        requests: get.done,
      }),
    );

    const fanOut = await watchFanOut(url, 100, 200, 30_000);
    records.push(
      record({
        name: 'sim-watch-fanout',
        metric: 'events_per_s',
        value: fanOut.perSecond,
        unit: 'events/s',
        watchers: 100,
        writes: 200,
        delivered: fanOut.delivered,
        expected: fanOut.total,
        outcome: fanOut.outcome,
        seconds: fanOut.seconds,
      }),
    );
  } finally {
    await simulator.stop();
  }
  const { rss, pods } = await measureRss();
  records.push(
    record({
      name: 'sim-busy-rss',
      metric: 'rss_mb',
      value: rss / 2 ** 20,
      unit: 'MB',
      goal: '<= 200',
      pods,
    }),
  );
  return records;
}

if (process.argv[1] === here && process.argv.includes('--rss-child')) {
  await rssChild();
}
