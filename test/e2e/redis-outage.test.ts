import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RedisProcess, spawnRedisServer } from '../../src/sandbox/redis-server.js';
import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * Redis is killed (SIGKILL) in the middle of a drain and stays away longer than every lock's TTL, then comes
 * back from its append-only file. The worker rides it out: the node lock that expired meanwhile is taken back
 * with its own token, the job is taken over where it stood, and the drain finishes with every pod evicted once,
 * no "lost its lock", the card and the record agreeing. A Redis of this test's own, so killing it harms no one.
 */
describe('a drain rides out a Redis outage longer than its locks', () => {
  let rig: NodeOpsRig;
  let dir: string;
  let port: number;
  let server: RedisProcess | undefined;
  const start = async () =>
    await spawnRedisServer({
      port,
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        '--loglevel',
        'warning',
      ],
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-outage-'));
    port = await freePort();
    server = await start();
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      timeScale: 1,
      inProcessWorker: false,
      redis: { url: `redis://127.0.0.1:${port}` },
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
      drain: { lockTtlMs: 3000 },
    });
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('finishes the drain, each pod evicted once, and tells one story', async () => {
    await rig.spawnWorker();
    const before = await rig.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=worker-1' });
    const toEvict = before.items
      .filter((p) => p.metadata?.ownerReferences?.[0]?.kind !== 'DaemonSet')
      .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)
      .sort();

    const id = await rig.command('drain worker-1 --grace-period 2');
    await rig.evictionAccepted('shop/web-');
    if (server?.pid) process.kill(server.pid, 'SIGKILL');
    await server?.stop();
    // Longer than the node lock (3 s) and the job lock (2 s).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    server = await start();

    expect(await rig.ended(id, 60_000)).toMatch(/Done \(worker-1 drained/);
    const accepted = rig.proxy.acceptedEvictions();
    expect([...accepted.keys()].sort()).toEqual(toEvict);
    expect([...accepted.values()].every((count) => count === 1)).toBe(true);
    expect(await rig.unschedulable('worker-1')).toBe(true);
    expect(
      rig
        .thread(id)
        .map((m) => m.text)
        .join('\n'),
    ).not.toMatch(/lost its lock|Failed/);
    expect((await rig.requests.get(id))?.state).toBe('succeeded');
  }, 120_000);
});
