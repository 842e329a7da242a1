import { nodeMaintenanceSuite } from '../e2e/support/node-maintenance.js';
import { type RedisHaRig, startRedisCluster } from '../support/redis-ha.js';

/**
 * test/e2e/drain.test.ts's node maintenance, unchanged, with bot and worker on a 3-master Redis Cluster:
 * locks (multi-key Lua), decisions, parked jobs and cancellation (pub/sub) across the Cluster's nodes.
 */
let cluster: RedisHaRig;
beforeAll(async () => {
  cluster = await startRedisCluster();
});
afterAll(async () => {
  await cluster?.close();
});

nodeMaintenanceSuite('node maintenance from Slack, on a Redis Cluster', () => cluster.endpoint);
