import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';

/** The Redis the test run started (test/support/global-setup.ts), or REDIS_URL. */
export function testRedisUrl(): string {
  const url = process.env.BOSUN_TEST_REDIS_URL ?? process.env.REDIS_URL;
  if (!url)
    throw new Error('no test Redis: run the tests through jest (global setup starts one) or set REDIS_URL');
  return url;
}

/** A key prefix unique to one test file and run: `t-<file>-<random>`. BullMQ prefixes must not contain ':'. */
export function testPrefix(file: string): string {
  const stem = basename(file)
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-zA-Z0-9-]/g, '-');
  return `t-${stem}-${randomBytes(3).toString('hex')}`;
}
