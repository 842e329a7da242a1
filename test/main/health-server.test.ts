import { Redis } from 'ioredis';
import { startHealthServer } from '../../src/main/health-server.js';
import { redisReachable } from '../../src/queue/connection.js';
import { freePort } from '../../src/sandbox/redis-server.js';
import { testRedisUrl } from '../support/redis.js';

describe('health endpoints', () => {
  it('answers /healthz always and /readyz only while Redis answers', async () => {
    const live = new Redis(testRedisUrl());
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    let redis = live;
    const health = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      ready: () => redisReachable(redis, 500),
    });
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${health.port}${path}`);
      return { status: response.status, body: await response.text() };
    };
    try {
      expect(await get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get('/readyz')).toEqual({ status: 200, body: 'ready\n' });
      redis = dead;
      expect(await get('/healthz')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get('/readyz')).toEqual({ status: 503, body: 'redis unreachable\n' });
      expect((await get('/other')).status).toBe(404);
    } finally {
      await health.close();
      live.disconnect();
      dead.disconnect();
    }
  });
});
