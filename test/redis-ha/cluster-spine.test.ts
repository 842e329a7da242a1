import type { Cluster } from 'ioredis';
import { producerConnection, redisReachable } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { OPS_QUEUE, OUTBOX_QUEUE } from '../../src/queue/names.js';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import { approvedDrain } from '../e2e/support/approved-drain.js';
import { type RedisHaRig, startRedisCluster } from '../support/redis-ha.js';
import { startTestSandbox } from '../support/sandbox.js';

/**
 * The whole product (the sandbox: bot, worker, Slack stand-in, simulated Kubernetes) on a 3-master Redis
 * Cluster: a drain through approval to its thread, then where its keys went.
 */
describe('bosun on a Redis Cluster', () => {
  let cluster: RedisHaRig;
  let sandbox: RunningSandbox;
  let requestId: string;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    sandbox = await startTestSandbox({ redis: cluster.endpoint });
  }, 60_000);
  afterAll(async () => {
    await sandbox?.stop();
    await cluster?.close();
  });

  it('runs the spine: slash command, approval, the drain job, its thread and audit', async () => {
    expect(sandbox.config.redis.cluster).toHaveLength(3);
    const probe = producerConnection(sandbox.config.redis);
    try {
      expect(await redisReachable(probe, 2000)).toBe(true); // what /readyz asks
    } finally {
      probe.disconnect();
    }
    requestId = await approvedDrain(sandbox, 'worker-1');
  }, 60_000);

  it("keeps every key the request wrote, BullMQ's included, in the installation's one slot", async () => {
    const redis = producerConnection(sandbox.config.redis) as Cluster;
    try {
      const keys = new Keys(sandbox.config.redis.prefix);
      const installation = sandbox.config.redis.prefix;
      await redis.ping(); // the node list fills once the Cluster connection knows the slots
      expect(redis.nodes('master')).toHaveLength(3);
      // Every key anywhere in the Cluster that mentions the installation, node by node (SCAN sees one node).
      const byNode = await Promise.all(
        redis.nodes('master').map(async (node) => {
          const found: string[] = [];
          let cursor = '0';
          do {
            const [next, batch] = await node.scan(cursor, 'MATCH', `*${installation}*`, 'COUNT', 1000);
            found.push(...batch);
            cursor = next;
          } while (cursor !== '0');
          return found;
        }),
      );
      const all = byNode.flat();
      expect(byNode.filter((found) => found.length > 0)).toHaveLength(1);
      expect(all.every((key) => key.startsWith(`{${installation}}:`))).toBe(true);
      expect(all).toEqual(
        expect.arrayContaining([
          keys.request(requestId),
          keys.approval(requestId, 'start'),
          keys.channelRequests('COPS'),
          keys.audit(),
          `${keys.bullPrefix}:${OPS_QUEUE}:${requestId}`,
          `${keys.bullPrefix}:${OUTBOX_QUEUE}:${requestId}-parent`,
        ]),
      );
      const slot = await redis.cluster('KEYSLOT', keys.bullPrefix);
      const slots = await Promise.all(all.map((key) => redis.cluster('KEYSLOT', key)));
      expect(new Set(slots)).toEqual(new Set([slot]));
    } finally {
      redis.disconnect();
    }
  });
});
