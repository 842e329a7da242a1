import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/audit-log.js';
import { producerConnection } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { freePort, type RedisProcess, spawnRedisServer } from '../../src/sandbox/redis-server.js';
import { e2eScenario, type NodeOpsRig, OUTAGE_TIMINGS, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * Redis is killed (SIGKILL) in the middle of a drain and stays away longer than every lock's TTL, then comes
 * back: from its append-only file, or empty (its data lost). The worker rides it out: the node lock that expired
 * meanwhile is taken back with its own token, the job goes on where it stood, and the drain finishes with every
 * pod evicted once, no "lost its lock", the card and the record agreeing; after an empty restart the run writes
 * its request's record back, so the card ends and `/bosun jobs` knows the request. The job, handed out again by
 * the stalled-job check, keeps its lock from then on (it is not stalled again until BullMQ fails it, nor closed as
 * lost by the reconciler), so the audit has one outcome. A Redis of this test's own,
 * so killing it harms no one.
 */
describe.each([
  { restart: 'from its append-only file', empty: false },
  { restart: 'empty', empty: true },
])('a drain rides out a Redis outage longer than its locks, Redis restarted $restart', ({ empty }) => {
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
      ...OUTAGE_TIMINGS,
    });
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('finishes the drain, each pod evicted once, and tells one story', async () => {
    await rig.spawnWorker();
    const toEvict = await rig.toEvict('worker-1');

    const id = await rig.command('drain worker-1 --grace-period 6');
    await rig.evictionAccepted('shop/web-');
    if (server?.pid) process.kill(server.pid, 'SIGKILL');
    await server?.stop();
    // Longer than the node lock (3 s) and the job lock (2 s).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    if (empty) {
      await rm(dir, { recursive: true, force: true });
      dir = await mkdtemp(join(tmpdir(), 'bosun-outage-'));
    }
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
    // One outcome in the audit: the job, handed out again after the outage, was not lost a second time.
    const redis = producerConnection(rig.config.redis, { connectionName: 'bosun-test-audit' });
    try {
      const audit = new AuditLog(redis, new Keys(rig.config.redis.prefix).audit(), { maxEntries: 10_000 });
      const { records } = await audit.list({ sinceSeconds: 3600, requestId: id });
      expect(records.filter((e) => e.event === 'job-finished').map((e) => e.outcome)).toEqual(['succeeded']);
    } finally {
      redis.disconnect();
    }
  }, 120_000);
});
