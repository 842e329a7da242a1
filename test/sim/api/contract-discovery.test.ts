import { Kubectl } from '../../support/kubectl.js';
import { startTestApi, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(async () => {
  await t.close();
});

const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('discovery contract', () => {
  it('1: GET /version answers the control-plane version, also with ?timeout=5s', async () => {
    for (const path of ['/version', '/version?timeout=5s']) {
      const response = await t.request(path);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        major: '1',
        minor: '31',
        gitVersion: 'v1.31.4',
        platform: 'linux/amd64',
      });
    }
    t.api.setVersion('v1.32.2');
    expect(await (await t.request('/version')).json()).toMatchObject({ minor: '32', gitVersion: 'v1.32.2' });
    t.api.setVersion('v1.31.4');
  });

  it('1: health endpoints answer ok', async () => {
    for (const path of ['/healthz', '/readyz', '/livez']) {
      const response = await t.request(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
    }
  });

  it('2: with the aggregated Accept, /api and /apis answer APIGroupDiscoveryList with the exact Content-Type', async () => {
    const api = await t.request('/api?timeout=32s', { headers: { Accept: AGGREGATED_ACCEPT } });
    expect(api.headers.get('content-type')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const core = (await api.json()) as {
      kind: string;
      items: Array<{
        metadata: { name: string };
        versions: Array<{ version: string; resources: Array<Record<string, unknown>> }>;
      }>;
    };
    expect(core.kind).toBe('APIGroupDiscoveryList');
    expect(core.items.map((i) => i.metadata.name)).toEqual(['']);
    const pods = core.items[0]?.versions[0]?.resources.find((r) => r.resource === 'pods');
    expect(pods).toMatchObject({
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(pods?.subresources).toEqual(
      expect.arrayContaining([
        {
          subresource: 'eviction',
          responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
          verbs: ['create'],
        },
      ]),
    );
    const apis = await t.request('/apis?timeout=32s', { headers: { Accept: AGGREGATED_ACCEPT } });
    expect(apis.headers.get('content-type')).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const groups = (await apis.json()) as { items: Array<{ metadata: { name: string } }> };
    expect(groups.items.map((i) => i.metadata.name)).toEqual(
      expect.arrayContaining(['apps', 'policy', 'batch']),
    );
  });

  it('2: with a plain Accept, /api and /apis answer legacy discovery as application/json', async () => {
    const api = await t.request('/api', { headers: { Accept: 'application/json' } });
    expect(api.headers.get('content-type')).toBe('application/json');
    expect(await api.json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = await t.request('/apis');
    expect(apis.headers.get('content-type')).toBe('application/json');
    const body = (await apis.json()) as {
      kind: string;
      groups: Array<{ name: string; preferredVersion: unknown }>;
    };
    expect(body.kind).toBe('APIGroupList');
    const names = body.groups.map((g) => g.name);
    for (const group of [
      'apps',
      'policy',
      'batch',
      'rbac.authorization.k8s.io',
      'storage.k8s.io',
      'apiextensions.k8s.io',
    ]) {
      expect(names).toContain(group);
    }
    expect(body.groups.find((g) => g.name === 'policy')?.preferredVersion).toEqual({
      groupVersion: 'policy/v1',
      version: 'v1',
    });
  });

  it('2: kubectl on a cold cache uses aggregated discovery and fetches no group-version lists', async () => {
    const cold = await Kubectl.forKubeconfig(t.api.kubeconfig());
    t.requests.length = 0;
    const result = await cold.run(['get', 'nodes']);
    await cold.dispose();
    expect(result.exitCode).toBe(0);
    const paths = t.requests.map((r) => r.url.split('?')[0]);
    expect([...paths].sort()).toEqual(['/api', '/api/v1/nodes', '/apis', '/version']);
  });

  it('3: /api/v1 lists pods/eviction exactly as drain requires, nodes, nodes/status and pods/status', async () => {
    const body = (await (await t.request('/api/v1')).json()) as {
      kind: string;
      apiVersion?: string;
      resources: Array<{ name: string }>;
    };
    expect(body.kind).toBe('APIResourceList');
    expect(body.apiVersion).toBeUndefined();
    const byName = new Map(body.resources.map((r) => [r.name, r]));
    expect(byName.get('pods/eviction')).toEqual({
      name: 'pods/eviction',
      singularName: '',
      namespaced: true,
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
    });
    expect(byName.get('pods')).toEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    });
    for (const name of ['nodes', 'nodes/status', 'pods/status', 'pods/binding', 'namespaces/finalize']) {
      expect(byName.has(name)).toBe(true);
    }
  });

  it('4: /apis/policy/v1 and /apis/apps/v1 list PDBs and workloads with their subresources', async () => {
    const policy = (await (await t.request('/apis/policy/v1')).json()) as {
      apiVersion: string;
      resources: Array<{ name: string }>;
    };
    expect(policy.apiVersion).toBe('v1');
    expect(policy.resources.map((r) => r.name)).toEqual([
      'poddisruptionbudgets',
      'poddisruptionbudgets/status',
    ]);
    const apps = (await (await t.request('/apis/apps/v1')).json()) as {
      resources: Array<{ name: string; group?: string; kind: string }>;
    };
    const names = apps.resources.map((r) => r.name);
    for (const name of [
      'daemonsets',
      'daemonsets/status',
      'deployments',
      'deployments/scale',
      'replicasets',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
    ]) {
      expect(names).toContain(name);
    }
    expect(apps.resources.find((r) => r.name === 'statefulsets/scale')).toMatchObject({
      group: 'autoscaling',
      kind: 'Scale',
    });
  });

  it('1.1: the all category is set on exactly the resources kube-apiserver gives it', async () => {
    const withAll: string[] = [];
    for (const path of [
      '/api/v1',
      '/apis/apps/v1',
      '/apis/batch/v1',
      '/apis/autoscaling/v2',
      '/apis/policy/v1',
    ]) {
      const body = (await (await t.request(path)).json()) as {
        resources: Array<{ name: string; categories?: string[] }>;
      };
      for (const r of body.resources) if (r.categories?.includes('all')) withAll.push(r.name);
    }
    expect(withAll.sort()).toEqual(
      [
        'pods',
        'replicationcontrollers',
        'services',
        'daemonsets',
        'deployments',
        'replicasets',
        'statefulsets',
        'jobs',
        'cronjobs',
        'horizontalpodautoscalers',
      ].sort(),
    );
  });

  it('7: /openapi/v3 has a PATCH op with the GVK and fieldValidation per kind; /openapi/v2 is an empty document', async () => {
    const root = (await (await t.request('/openapi/v3')).json()) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const core = root.paths['api/v1'];
    expect(core?.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const doc = (await (await t.request(core?.serverRelativeURL ?? '')).json()) as {
      paths: Record<
        string,
        { patch: { 'x-kubernetes-group-version-kind': unknown; parameters: Array<{ name: string }> } }
      >;
    };
    const configmaps = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'];
    expect(configmaps?.patch['x-kubernetes-group-version-kind']).toEqual({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
    });
    expect(configmaps?.patch.parameters.map((p) => p.name)).toContain('fieldValidation');
    expect(doc.paths['/api/v1/nodes/{name}']).toBeDefined();
    // kubectl 1.27 validates with v2 only: an empty v2 document leaves validation to the server.
    const v2 = await t.request('/openapi/v2');
    expect(v2.status).toBe(200);
  });

  it('7: kubectl apply works without --validate=false and sends fieldValidation=Strict', async () => {
    const manifest =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: validated\n  namespace: default\ndata:\n  a: "1"\n';
    const file = await t.kubectl.writeFile('validated.yaml', manifest);
    t.requests.length = 0;
    const result = await t.kubectl.run(['apply', '-f', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('configmap/validated created');
    const post = t.requests.find((r) => r.method === 'POST');
    expect(post?.url).toContain('fieldValidation=Strict');
  });
});

describe('legacy-only discovery', () => {
  let legacy: TestApi;
  beforeAll(async () => {
    legacy = await startTestApi({ aggregatedDiscovery: false });
  });
  afterAll(async () => {
    await legacy.close();
  });

  it('2: kubectl falls back to fetching every group-version and still prints nodes', async () => {
    const api = await legacy.request('/api', { headers: { Accept: AGGREGATED_ACCEPT } });
    expect(api.headers.get('content-type')).toBe('application/json');
    const result = await legacy.kubectl.run(['get', 'nodes']);
    expect(result.stdout).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    const paths = legacy.requests.map((r) => r.url.split('?')[0]);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1', '/apis/apps/v1', '/apis/policy/v1', '/api/v1/nodes']),
    );
  });
});
