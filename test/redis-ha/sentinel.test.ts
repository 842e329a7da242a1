import { Redis } from 'ioredis';
import { producerConnection, redisReachable } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import { approvedDrain } from '../e2e/support/approved-drain.js';
import { startRedisSentinel } from '../support/redis-ha.js';
import { startTestSandbox } from '../support/sandbox.js';

/**
 * The whole product (the sandbox: bot, worker, Slack stand-in, simulated Kubernetes) finding its Redis through a
 * Sentinel: a master, its replica and one Sentinel that monitors them.
 */
describe('bosun through Redis Sentinel', () => {
  let rig: Awaited<ReturnType<typeof startRedisSentinel>>;
  let sandbox: RunningSandbox;
  const plain = (port: number) => new Redis({ host: '127.0.0.1', port, lazyConnect: true });

  beforeAll(async () => {
    rig = await startRedisSentinel();
    sandbox = await startTestSandbox({ redis: rig.endpoint });
  }, 60_000);
  afterAll(async () => {
    await sandbox?.stop();
    await rig?.close();
  });

  it('runs the spine on the master the Sentinel names, and the replica follows', async () => {
    expect(sandbox.config.redis).toMatchObject({ sentinels: rig.endpoint.sentinels, sentinelName: rig.name });
    const probe = producerConnection(sandbox.config.redis);
    try {
      expect(await redisReachable(probe, 2000)).toBe(true); // what /readyz asks
    } finally {
      probe.disconnect();
    }
    const requestId = await approvedDrain(sandbox, 'worker-1');

    const master = plain(rig.masterPort);
    const replica = plain(rig.replicaPort);
    try {
      // Bot and worker asked the Sentinel and connected to the master.
      const clients = String(await master.client('LIST'));
      expect(clients).toMatch(/ name=bosun-bot /);
      expect(clients).toMatch(/ name=bosun-worker-ops /);
      const key = new Keys(sandbox.config.redis.prefix).request(requestId);
      expect(await master.hget(key, 'state')).toBe('succeeded');
      await master.call('WAIT', '1', '5000');
      expect(await replica.hget(key, 'state')).toBe('succeeded');
    } finally {
      master.disconnect();
      replica.disconnect();
    }
  }, 60_000);
});
