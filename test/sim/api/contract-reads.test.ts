import { decodeObject } from '../../../src/sim/http/protobuf/k8s-protobuf.js';
import { NODES, nodeObject } from './support/seed.js';
import { startTestApi, TABLE_ACCEPT, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
  t.clock.advance(60 * 60 * 1000);
});
afterAll(async () => {
  await t.close();
});

interface Table {
  kind: string;
  metadata: { resourceVersion?: string };
  columnDefinitions: Array<{ name: string; priority: number }>;
  rows: Array<{ cells: unknown[]; object: { kind: string; metadata: { name: string; namespace?: string } } }>;
}

describe('read contract', () => {
  it('5: nodes as a Table with 5 + 5 wide columns, kubectl cells and PartialObjectMetadata rows', async () => {
    const response = await t.request('/api/v1/nodes?limit=500', { headers: { Accept: TABLE_ACCEPT } });
    const table = (await response.json()) as Table;
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      'Name',
      'Status',
      'Roles',
      'Age',
      'Version',
    ]);
    expect(table.columnDefinitions.filter((c) => c.priority === 1).map((c) => c.name)).toEqual([
      'Internal-IP',
      'External-IP',
      'OS-Image',
      'Kernel-Version',
      'Container-Runtime',
    ]);
    expect(table.rows[0]?.cells).toEqual([
      'worker-1',
      'Ready',
      'worker',
      '60m',
      'v1.31.4',
      '10.0.0.11',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.1.0-28-amd64',
      'containerd://1.7.24',
    ]);
    expect(table.rows[0]?.object.kind).toBe('PartialObjectMetadata');
    expect(table.rows[0]?.object.metadata.name).toBe('worker-1');
  });

  it('5: kubectl get nodes prints NAME STATUS ROLES AGE VERSION with SchedulingDisabled and NotReady', async () => {
    await t.registry.create(
      NODES,
      undefined,
      {
        ...nodeObject('cp-1', { role: 'control-plane', version: 'v1.31.2' }),
        spec: { unschedulable: true },
      },
      { keepStatus: true },
    );
    const cp = await t.registry.get(NODES, undefined, 'cp-1');
    await t.registry.update(
      NODES,
      undefined,
      { ...cp, status: { ...cp.status, conditions: [{ type: 'Ready', status: 'Unknown' }] } },
      { subresource: 'status' },
    );
    const result = await t.kubectl.run(['get', 'nodes']);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/));
    expect(lines).toEqual([
      ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      ['cp-1', 'NotReady,SchedulingDisabled', 'control-plane', '0s', 'v1.31.2'],
      ['worker-1', 'Ready', 'worker', '60m', 'v1.31.4'],
      ['worker-2', 'Ready', 'worker', '60m', 'v1.31.4'],
    ]);
    await t.registry.delete(NODES, undefined, 'cp-1');
  });

  it('6: plain JSON list is a NodeList with metadata.resourceVersion and items without kind', async () => {
    const response = await t.request('/api/v1/nodes', { headers: { Accept: 'application/json, */*;q=0.8' } });
    const list = (await response.json()) as {
      kind: string;
      apiVersion: string;
      metadata: { resourceVersion: string };
      items: Array<Record<string, unknown>>;
    };
    expect(list.kind).toBe('NodeList');
    expect(list.apiVersion).toBe('v1');
    expect(list.metadata.resourceVersion).toBe(await t.registry.currentResourceVersion());
    expect(list.items).toHaveLength(2);
    expect(list.items[0]?.kind).toBeUndefined();
  });

  it('6: protobuf first in Accept is answered in protobuf for a built-in kind, JSON first in JSON', async () => {
    const response = await t.request('/api/v1/nodes/worker-1', {
      headers: { Accept: 'application/vnd.kubernetes.protobuf,application/json' },
    });
    expect(response.headers.get('content-type')).toBe('application/vnd.kubernetes.protobuf');
    expect(decodeObject(new Uint8Array(await response.arrayBuffer()))?.kind).toBe('Node');
    const json = await t.request('/api/v1/nodes/worker-1', {
      headers: { Accept: 'application/json,application/vnd.kubernetes.protobuf' },
    });
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(((await json.json()) as { kind: string }).kind).toBe('Node');
  });

  it('14: GET of a missing object is a 404 Status naming the plural', async () => {
    const response = await t.request('/api/v1/namespaces/default/pods/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
    const grouped = await t.request('/apis/apps/v1/namespaces/default/deployments/nope');
    expect(await grouped.json()).toMatchObject({
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
  });

  it('15: field and label selectors across namespaces; an unknown field label is a 400', async () => {
    const response = await t.request(
      '/api/v1/pods?fieldSelector=spec.nodeName%3Dworker-1&labelSelector=app%3Dweb',
    );
    const list = (await response.json()) as { items: Array<{ metadata: { name: string } }> };
    expect(list.items.map((p) => p.metadata.name)).toEqual(['web-1']);
    const notIn = await t.request('/api/v1/pods?labelSelector=app%20notin%20(web)');
    expect(
      ((await notIn.json()) as { items: Array<{ metadata: { name: string } }> }).items.map(
        (p) => p.metadata.name,
      ),
    ).toEqual(['db-1']);
    const bad = await t.request('/api/v1/pods?fieldSelector=spec.foo%3Dx');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      reason: 'BadRequest',
      message: 'field label not supported: spec.foo',
      code: 400,
    });
  });

  it('16: limit pages with continue until the last page, which has none', async () => {
    for (const name of ['n-a', 'n-b', 'n-c']) await t.registry.create(NODES, undefined, nodeObject(name));
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = `limit=2${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
      const page = (await (await t.request(`/api/v1/nodes?${query}`)).json()) as {
        metadata: { continue?: string; remainingItemCount?: number };
        items: Array<{ metadata: { name: string } }>;
      };
      names.push(...page.items.map((n) => n.metadata.name));
      if (pages === 0) expect(page.metadata.remainingItemCount).toBe(3);
      token = page.metadata.continue;
      pages++;
    } while (token && pages < 10);
    expect(pages).toBe(3);
    expect(names).toEqual(['n-a', 'n-b', 'n-c', 'worker-1', 'worker-2']);
    for (const name of ['n-a', 'n-b', 'n-c']) await t.registry.delete(NODES, undefined, name);
  });

  it('kubectl get pods -A -o wide prints namespace, status and wide columns', async () => {
    const result = await t.kubectl.run(['get', 'pods', '-A', '-o', 'wide']);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s{2,}/));
    expect(lines).toEqual([
      [
        'NAMESPACE',
        'NAME',
        'READY',
        'STATUS',
        'RESTARTS',
        'AGE',
        'IP',
        'NODE',
        'NOMINATED NODE',
        'READINESS GATES',
      ],
      ['default', 'web-1', '1/1', 'Running', '0', '60m', '10.244.1.5', 'worker-1', '<none>', '<none>'],
      ['default', 'web-2', '1/1', 'Running', '0', '60m', '10.244.2.5', 'worker-2', '<none>', '<none>'],
      ['team', 'db-1', '0/1', 'Pending', '0', '60m', '<none>', 'worker-1', '<none>', '<none>'],
    ]);
  });
});
