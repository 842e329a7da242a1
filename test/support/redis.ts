import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { RedisEndpoint } from '../../src/queue/connection.js';

/** The Redis the test run started (test/support/global-setup.js), or REDIS_URL. */
export function testRedisUrl(): string {
  const url = process.env.BOSUN_TEST_REDIS_URL ?? process.env.REDIS_URL;
  if (!url)
    throw new Error('no test Redis: run the tests through jest (global setup starts one) or set REDIS_URL');
  return url;
}

/** The test run's Redis as a `redis` config section (src/queue/connection.ts makes connections from it). */
export function testRedis(): RedisEndpoint {
  return { url: testRedisUrl() };
}

/**
 * A key prefix unique to one test file and run: `t-<file>-<random>`, as operators write `redis.prefix` (no
 * braces, no ':'); bosun's keys and BullMQ's start with its hash tag (src/queue/keys.ts).
 */
export function testPrefix(file: string): string {
  const stem = basename(file)
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-zA-Z0-9-]/g, '-');
  return `t-${stem}-${randomBytes(3).toString('hex')}`;
}
