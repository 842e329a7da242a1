// Jest loads global setup outside its module mapper, so this plain-ESM file loads the TypeScript rig through tsx.
import { tsImport } from 'tsx/esm/api';

/**
 * One redis-server for the whole run (unless REDIS_URL is given); each test file takes its own key prefix
 * (test/support/redis.ts), so files never see each other's keys and nothing is flushed.
 */
export default async function globalSetup() {
  if (process.env.REDIS_URL) {
    process.env.BOSUN_TEST_REDIS_URL = process.env.REDIS_URL;
    return;
  }
  const { startLocalRedis } = await tsImport('../../src/sandbox/redis-server.ts', import.meta.url);
  const redis = await startLocalRedis();
  process.env.BOSUN_TEST_REDIS_URL = redis.url;
  globalThis.__bosunRedis = redis;
}
