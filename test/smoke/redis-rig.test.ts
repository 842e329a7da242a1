import { Redis } from 'ioredis';
import { testPrefix, testRedisUrl } from '../support/redis.js';

describe('test rig', () => {
  it('gives each file its own Redis key prefix on a live server', async () => {
    const redis = new Redis(testRedisUrl());
    const prefix = testPrefix(import.meta.url);
    await redis.set(`${prefix}:probe`, 'ok');
    expect(await redis.get(`${prefix}:probe`)).toBe('ok');
    expect(prefix).toMatch(/^t-redis-rig-[0-9a-f]{6}$/);
    await redis.del(`${prefix}:probe`);
    redis.disconnect();
  });
});
