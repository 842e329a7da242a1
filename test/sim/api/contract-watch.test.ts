import type { KubeObject } from '../../../src/sim/types.js';
import { NODES, nodeObject, PODS } from './support/seed.js';
import { readWatch, readWatchLines, startTestApi, TABLE_ACCEPT, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi({ historyLimit: 50 });
});
afterAll(async () => {
  await t.close();
});

type Event = {
  type: string;
  object: KubeObject & {
    code?: number;
    reason?: string;
    rows?: Array<{ cells: unknown[] }>;
    columnDefinitions?: unknown[];
  };
};

describe('watch contract', () => {
  it('17: watch from a resourceVersion streams only later changes as chunked NDJSON', async () => {
    const from = await t.registry.currentResourceVersion();
    const controller = new AbortController();
    const response = await t.request(`/api/v1/nodes?watch=true&resourceVersion=${from}`, {
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    await t.registry.patch(NODES, undefined, 'worker-1', 'merge', {
      metadata: { labels: { watched: 'yes' } },
    });
    await t.registry.create(NODES, undefined, nodeObject('temp'));
    await t.registry.delete(NODES, undefined, 'temp');
    const events = (await readWatchLines(response, 3)) as Event[];
    controller.abort();
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['MODIFIED', 'worker-1'],
      ['ADDED', 'temp'],
      ['DELETED', 'temp'],
    ]);
    expect(events[0]?.object.kind).toBe('Node');
    expect(Number(events[2]?.object.metadata.resourceVersion)).toBeGreaterThan(
      Number(events[1]?.object.metadata.resourceVersion),
    );
  });

  it('17: a compacted resourceVersion gives 200 and one ERROR event with the 410 Expired Status', async () => {
    for (let i = 0; i < 60; i++)
      await t.registry.patch(NODES, undefined, 'worker-2', 'merge', {
        metadata: { labels: { n: String(i) } },
      });
    const response = await t.request('/api/v1/nodes?watch=true&resourceVersion=2');
    expect(response.status).toBe(200);
    const events = (await readWatchLines(response, 2, 2000)) as Event[];
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('ERROR');
    expect(events[0]?.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
  });

  it('18: without a resourceVersion, synthetic ADDED events come first', async () => {
    const controller = new AbortController();
    const response = await t.request('/api/v1/nodes?watch=1', { signal: controller.signal });
    const events = (await readWatchLines(response, 2)) as Event[];
    controller.abort();
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'worker-1'],
      ['ADDED', 'worker-2'],
    ]);
  });

  it('18: allowWatchBookmarks sends BOOKMARK events; timeoutSeconds ends the stream', async () => {
    const rv = await t.registry.currentResourceVersion();
    const response = await t.request(
      `/api/v1/nodes?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    const { lines, ended } = await readWatch(response, 100, 10_000);
    const events = lines as Event[];
    expect(ended).toBe(true);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'BOOKMARK')).toBe(true);
    expect(events[0]?.object).toEqual({ kind: 'Node', apiVersion: 'v1', metadata: { resourceVersion: rv } });
  });

  it('18: no BOOKMARK without allowWatchBookmarks', async () => {
    const rv = await t.registry.currentResourceVersion();
    const response = await t.request(`/api/v1/nodes?watch=true&resourceVersion=${rv}&timeoutSeconds=1`);
    expect(await readWatchLines(response, 100, 3000)).toEqual([]);
  });

  it('1.4: Table watches send one-row Tables, column definitions only on the first', async () => {
    const rv = await t.registry.currentResourceVersion();
    const controller = new AbortController();
    const response = await t.request(`/api/v1/nodes?watch=true&resourceVersion=${rv}`, {
      headers: { Accept: TABLE_ACCEPT },
      signal: controller.signal,
    });
    await t.registry.patch(NODES, undefined, 'worker-1', 'strategic', { spec: { unschedulable: true } });
    await t.registry.patch(NODES, undefined, 'worker-1', 'strategic', { spec: { unschedulable: null } });
    const events = (await readWatchLines(response, 2)) as Event[];
    controller.abort();
    expect(events[0]?.object.kind).toBe('Table');
    expect(events[0]?.object.columnDefinitions).toHaveLength(10);
    expect(events[0]?.object.rows?.[0]?.cells.slice(0, 2)).toEqual(['worker-1', 'Ready,SchedulingDisabled']);
    expect(events[1]?.object.columnDefinitions).toEqual([]);
    expect(events[1]?.object.rows?.[0]?.cells.slice(0, 2)).toEqual(['worker-1', 'Ready']);
  });

  it('label-selected watches see objects leave the selection as DELETED', async () => {
    const rv = await t.registry.currentResourceVersion();
    const controller = new AbortController();
    const response = await t.request(
      `/api/v1/nodes?watch=true&resourceVersion=${rv}&labelSelector=pool%3Dblue`,
      {
        signal: controller.signal,
      },
    );
    await t.registry.patch(NODES, undefined, 'worker-2', 'merge', { metadata: { labels: { pool: 'blue' } } });
    await t.registry.patch(NODES, undefined, 'worker-2', 'merge', {
      metadata: { labels: { pool: 'green' } },
    });
    const events = (await readWatchLines(response, 2)) as Event[];
    controller.abort();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('kubectl get pods --watch prints the change as a new row', async () => {
    const watcher = t.kubectl.spawn(['get', 'pods', '--watch']);
    let output = '';
    watcher.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      for (let i = 0; i < 100 && !output.includes('web-2'); i++) await new Promise((r) => setTimeout(r, 50));
      await t.registry.delete(PODS, 'default', 'web-2');
      for (let i = 0; i < 100 && !output.includes('Terminating'); i++)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      watcher.kill('SIGTERM');
      await watcher;
    }
    const lines = output.trim().split('\n');
    expect(lines[0]?.split(/\s+/)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(lines.slice(1, 3).map((l) => l.split(/\s+/)[0])).toEqual(['web-1', 'web-2']);
    expect(lines.at(-1)).toMatch(/^web-2\s+1\/1\s+Terminating\s+0\s+0s$/);
    await t.registry.delete(PODS, 'default', 'web-2', { gracePeriodSeconds: 0 });
  });

  it('kubectl get nodes --watch prints the change', async () => {
    const watcher = t.kubectl.spawn(['get', 'nodes', '--watch']);
    let output = '';
    watcher.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      for (let i = 0; i < 100 && !output.includes('worker-2'); i++)
        await new Promise((r) => setTimeout(r, 50));
      await t.registry.patch(NODES, undefined, 'worker-2', 'strategic', { spec: { unschedulable: true } });
      for (let i = 0; i < 100 && !output.includes('SchedulingDisabled'); i++)
        await new Promise((r) => setTimeout(r, 50));
    } finally {
      watcher.kill('SIGTERM');
      await watcher;
    }
    expect(output).toMatch(/worker-2\s+Ready,SchedulingDisabled\s+worker/);
    await t.registry.patch(NODES, undefined, 'worker-2', 'strategic', { spec: { unschedulable: null } });
  });
});
