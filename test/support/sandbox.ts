import { pino } from 'pino';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/sandbox.js';
import { testRedis } from './redis.js';

/**
 * The whole product for an end-to-end test: the test run's Redis (with a prefix unique to the sandbox;
 * `redis` names another, such as test/redis-ha's Cluster), the
 * simulator at a small time scale, the Slack stand-in, bot and worker, all on ephemeral ports.
 */
export async function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<RunningSandbox> {
  return await startSandbox({
    port: 0,
    scenario: 'small',
    timeScale: 0.02,
    redis: testRedis(),
    logger: pino({ level: process.env.BOSUN_TEST_LOG ?? 'silent' }),
    ...options,
  });
}
