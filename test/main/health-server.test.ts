import http from 'node:http';
import { Redis } from 'ioredis';
import { startHealthServer } from '../../src/main/health-server.js';
import { redisReachable } from '../../src/queue/connection.js';
import { startLocalRedis } from '../../src/sandbox/redis-server.js';

/** node:http without keep-alive, so no pooled socket outlives the test. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('health endpoints', () => {
  it('answers /healthz always and /readyz only while Redis answers', async () => {
    const server = await startLocalRedis();
    const redis = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {}); // the server going away is what this test is about
    const health = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      ready: () => redisReachable(redis, 500),
    });
    try {
      expect(await get(health.port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get(health.port, '/readyz')).toEqual({ status: 200, body: 'ready\n' });
      await server.stop();
      expect(await get(health.port, '/healthz')).toEqual({ status: 200, body: 'ok\n' });
      expect(await get(health.port, '/readyz')).toEqual({ status: 503, body: 'redis unreachable\n' });
      expect((await get(health.port, '/other')).status).toBe(404);
    } finally {
      await health.close();
      redis.disconnect();
      await server.stop();
    }
  });
});
