import * as k8s from '@kubernetes/client-node';
import { createApiServer } from '../../../src/sim/http/api-server.js';
import { startTestApi, type TestApi } from './support/test-api.js';

describe('fault injection', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is off by default and answers a share of requests with the configured error through /_sim/faults', async () => {
    expect(await (await t.request('/_sim/faults')).json()).toEqual({
      errorRate: 0,
      errorCode: 500,
      latencyMs: 0,
    });
    const set = await t.request('/_sim/faults', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ errorRate: 1, errorCode: 503, pathPattern: '^/api/v1/nodes' }),
    });
    expect(set.status).toBe(200);
    const failed = await t.request('/api/v1/nodes');
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect(await failed.json()).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    expect((await t.request('/api/v1/pods')).status).toBe(200);
    await t.request('/_sim/faults', { method: 'DELETE' });
    expect((await t.request('/api/v1/nodes')).status).toBe(200);
  });

  it('delays requests by latencyMs through the Clock', async () => {
    const slept: number[] = [];
    const clock = {
      now: () => t.clock.now(),
      sleep: async (ms: number) => {
        slept.push(ms);
      },
    };
    const slow = await createApiServer({ registry: t.registry, clock });
    try {
      slow.faults.configure({ latencyMs: 250 });
      const response = await fetch(`${slow.url}/api/v1/nodes`);
      expect(response.status).toBe(200);
      expect(slept).toContain(250);
    } finally {
      await slow.close();
    }
  });

  it('rejects nonsense settings with 400', async () => {
    const response = await t.request('/_sim/faults', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ errorRate: 2 }),
    });
    expect(response.status).toBe(400);
  });

  it('drops open watches and expires the next resume through the admin API', async () => {
    const rv = await t.registry.currentResourceVersion();
    const watch = await t.request(`/api/v1/nodes?watch=true&resourceVersion=${rv}`);
    const dropped = (await (await t.request('/_sim/watches/drop', { method: 'POST' })).json()) as {
      dropped: number;
    };
    expect(dropped.dropped).toBeGreaterThanOrEqual(1);
    expect(await watch.text()).toBe('');
    await t.request('/_sim/watches/expire-next', { method: 'POST' });
    const resumed = await t.request(`/api/v1/nodes?watch=true&resourceVersion=${rv}`);
    const lines = (await resumed.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ reason: 'Expired', code: 410 }) },
    ]);
  });

  it('serves routes other components add under /_sim/', async () => {
    t.api.addAdminRoute('POST', /^\/_sim\/nodes\/([^/]+)\/reboot$/, ({ match }) => ({
      code: 202,
      body: { rebooting: match[1] },
    }));
    const response = await t.request('/_sim/nodes/worker-1/reboot', { method: 'POST' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ rebooting: 'worker-1' });
    expect((await t.request('/_sim/nope')).status).toBe(404);
  });
});

describe('https', () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi({ https: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves TLS with a generated CA that kubectl and client-node verify', async () => {
    expect(t.api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(t.api.ca).toContain('BEGIN CERTIFICATE');
    const result = await t.kubectl.run(['get', 'nodes']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/worker-1\s+Ready\s+worker/);
    const kc = new k8s.KubeConfig();
    kc.loadFromString(t.api.kubeconfig());
    const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    expect(nodes.items).toHaveLength(2);
  });
});
