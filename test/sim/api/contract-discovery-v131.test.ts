import { readFileSync } from 'node:fs';
import { KUBECTL_EDGES, Kubectl } from '../../support/kubectl.js';
import { readWatchLines, startTestApi, type TestApi } from './support/test-api.js';

/** What kubernetes' api/discovery documents say a v1.31 kube-apiserver serves by default (source in the file). */
interface FixtureSubresource {
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}
interface FixtureResource {
  resource: string;
  kind: string;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: Record<string, FixtureSubresource>;
}
interface Fixture {
  source: Record<string, unknown>;
  groupVersions: Array<{ group: string; version: string; resources: FixtureResource[] }>;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/discovery-v1.31.json', import.meta.url), 'utf8'),
) as Fixture;

const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

/** One resource as the comparison sees it, whichever discovery form it came from. */
interface Normalized {
  kind: string;
  scope: string;
  singularResource: string;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  subresources: Record<string, FixtureSubresource>;
}

function sorted(values: string[] | undefined): string[] {
  return [...(values ?? [])].sort();
}

function fromFixture(resource: FixtureResource): Normalized {
  const subresources: Record<string, FixtureSubresource> = {};
  for (const [name, sub] of Object.entries(resource.subresources ?? {})) {
    subresources[name] = { ...sub, verbs: sorted(sub.verbs) };
  }
  return {
    kind: resource.kind,
    scope: resource.scope,
    singularResource: resource.singularResource,
    verbs: sorted(resource.verbs),
    shortNames: resource.shortNames ?? [],
    categories: resource.categories ?? [],
    subresources,
  };
}

interface AggregatedResource {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: string;
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: Array<{
    subresource: string;
    responseKind: { group: string; version: string; kind: string };
    verbs: string[];
  }>;
}
interface AggregatedList {
  items: Array<{
    metadata: { name: string };
    versions: Array<{ version: string; resources: AggregatedResource[] }>;
  }>;
}

function fromAggregated(resource: AggregatedResource, group: string, version: string): Normalized {
  const subresources: Record<string, FixtureSubresource> = {};
  for (const sub of resource.subresources ?? []) {
    const kind = sub.responseKind;
    const foreign =
      (kind.group !== '' || kind.version !== '') && (kind.group !== group || kind.version !== version);
    subresources[sub.subresource] = {
      kind: kind.kind,
      ...(foreign ? { group: kind.group, version: kind.version } : {}),
      verbs: sorted(sub.verbs),
    };
  }
  return {
    kind: resource.responseKind.kind,
    scope: resource.scope,
    singularResource: resource.singularResource,
    verbs: sorted(resource.verbs),
    shortNames: resource.shortNames ?? [],
    categories: resource.categories ?? [],
    subresources,
  };
}

interface LegacyResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

function fromLegacy(list: LegacyResource[]): Map<string, Normalized> {
  const out = new Map<string, Normalized>();
  for (const entry of list.filter((e) => !e.name.includes('/'))) {
    out.set(entry.name, {
      kind: entry.kind,
      scope: entry.namespaced ? 'Namespaced' : 'Cluster',
      singularResource: entry.singularName,
      verbs: sorted(entry.verbs),
      shortNames: entry.shortNames ?? [],
      categories: entry.categories ?? [],
      subresources: {},
    });
  }
  for (const entry of list.filter((e) => e.name.includes('/'))) {
    const [parent = '', sub = ''] = entry.name.split('/');
    const owner = out.get(parent);
    if (!owner) throw new Error(`subresource ${entry.name} listed without its resource`);
    owner.subresources[sub] = {
      kind: entry.kind,
      ...(entry.group !== undefined || entry.version !== undefined
        ? { group: entry.group ?? '', version: entry.version ?? '' }
        : {}),
      verbs: sorted(entry.verbs),
    };
  }
  return out;
}

/** The fixture's expectations per `group/version/resource`. */
function expected(): Map<string, Normalized> {
  const out = new Map<string, Normalized>();
  for (const gv of fixture.groupVersions) {
    const gvKey = `${gv.group}/${gv.version}`;
    for (const resource of gv.resources) {
      const key = `${gvKey}/${resource.resource}`;
      out.set(key, fromFixture(resource));
    }
  }
  return out;
}

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(async () => {
  await t.close();
});

async function aggregated(): Promise<Map<string, Normalized>> {
  const out = new Map<string, Normalized>();
  for (const path of ['/api', '/apis']) {
    const response = await t.request(path, { headers: { Accept: AGGREGATED_ACCEPT } });
    const list = (await response.json()) as AggregatedList;
    for (const item of list.items) {
      for (const version of item.versions) {
        for (const resource of version.resources) {
          out.set(
            `${item.metadata.name}/${version.version}/${resource.resource}`,
            fromAggregated(resource, item.metadata.name, version.version),
          );
        }
      }
    }
  }
  return out;
}

describe('discovery like a real v1.31 server', () => {
  it('40: aggregated discovery serves exactly the recorded v1.31 resources, verbs, names, scopes and subresources', async () => {
    expect(fixture.source).toMatchObject({ repository: 'https://github.com/kubernetes/kubernetes' });
    const served = await aggregated();
    const want = expected();
    expect([...served.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [key, resource] of want) expect({ key, ...served.get(key) }).toEqual({ key, ...resource });
    expect(want.size).toBeGreaterThanOrEqual(50);
  });

  it('40: the legacy /api/v1 and /apis/<g>/<v> lists say the same', async () => {
    const want = expected();
    const groupVersions = new Set([...want.keys()].map((key) => key.split('/').slice(0, 2).join('/')));
    for (const gv of groupVersions) {
      const [group, version] = gv.split('/');
      const response = await t.request(group ? `/apis/${group}/${version}` : `/api/${version}`);
      expect(response.status).toBe(200);
      const list = (await response.json()) as { groupVersion: string; resources: LegacyResource[] };
      expect(list.groupVersion).toBe(group ? `${group}/${version}` : version);
      const served = fromLegacy(list.resources);
      const inGv = [...want.entries()].filter(([key]) => key.startsWith(`${gv}/`));
      expect([...served.keys()].sort()).toEqual(inGv.map(([key]) => key.split('/')[2]).sort());
      for (const [key, resource] of inGv) {
        const name = key.split('/')[2] ?? '';
        expect({ key, ...served.get(name) }).toEqual({ key, ...resource });
      }
    }
  });

  it('40: /apis lists the groups in a v1.31 server order, preferred versions first', async () => {
    const served = await aggregated();
    const response = await t.request('/apis', { headers: { Accept: AGGREGATED_ACCEPT } });
    const list = (await response.json()) as AggregatedList;
    const order = list.items.flatMap((item) =>
      item.versions.map((v) => `${item.metadata.name}/${v.version}`),
    );
    const servedGvs = new Set([...served.keys()].map((key) => key.split('/').slice(0, 2).join('/')));
    const recorded = fixture.groupVersions
      .filter((gv) => gv.group !== '')
      .map((gv) => `${gv.group}/${gv.version}`)
      .filter((gv) => servedGvs.has(gv));
    expect(order).toEqual(recorded);
    const legacy = (await (await t.request('/apis')).json()) as {
      groups: Array<{ name: string; preferredVersion: { version: string } }>;
    };
    const preferred = Object.fromEntries(legacy.groups.map((g) => [g.name, g.preferredVersion.version]));
    expect(preferred).toMatchObject({ autoscaling: 'v2', 'flowcontrol.apiserver.k8s.io': 'v1' });
  });

  it('41: a verb a resource lacks is 405 MethodNotAllowed as the real server answers; a path with no route is 404', async () => {
    const notAllowed = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server does not allow this method on the requested resource',
      reason: 'MethodNotAllowed',
      details: {},
      code: 405,
    };
    const cases: Array<[string, string]> = [
      ['DELETE', '/api/v1/componentstatuses/scheduler'],
      ['PUT', '/api/v1/componentstatuses/scheduler'],
      ['PATCH', '/api/v1/componentstatuses/scheduler'],
      ['POST', '/api/v1/componentstatuses'],
      ['DELETE', '/api/v1/componentstatuses'],
      ['GET', '/api/v1/namespaces/default/bindings'],
      ['DELETE', '/api/v1/namespaces/default/bindings'],
      ['POST', '/api/v1/pods'],
      ['PUT', '/apis/apps/v1/namespaces/default/deployments'],
      ['POST', '/api/v1/namespaces/default/configmaps/x'],
      ['DELETE', '/api/v1/namespaces'],
    ];
    for (const [method, path] of cases) {
      const response = await t.request(path, {
        method,
        headers: { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
        body: method === 'GET' ? undefined : '{}',
      });
      expect({ method, path, code: response.status, body: await response.json() }).toEqual({
        method,
        path,
        code: 405,
        body: notAllowed,
      });
    }
    const watch = await t.request('/api/v1/componentstatuses?watch=true');
    expect(watch.status).toBe(405);
    expect(await watch.json()).toEqual({
      ...notAllowed,
      message: 'watch is not supported on resources of kind "componentstatuses"',
      details: { kind: 'componentstatuses' },
    });
    for (const path of ['/api/v1/namespaces/default/bindings/x', '/api/v1/bindings']) {
      const response = await t.request(path);
      expect({ path, code: response.status }).toEqual({ path, code: 404 });
    }
  });

  it('41: componentstatuses are read, never stored: get and list answer the healthy control plane with the deprecation warning', async () => {
    const response = await t.request('/api/v1/componentstatuses');
    expect(response.status).toBe(200);
    expect(response.headers.get('warning')).toBe('299 - "v1 ComponentStatus is deprecated in v1.19+"');
    const list = (await response.json()) as { kind: string; items: Array<{ metadata: { name: string } }> };
    expect(list.kind).toBe('ComponentStatusList');
    expect(list.items.map((i) => i.metadata.name)).toEqual(['controller-manager', 'etcd-0', 'scheduler']);
    const one = await t.request('/api/v1/componentstatuses/etcd-0');
    expect(await one.json()).toEqual({
      kind: 'ComponentStatus',
      apiVersion: 'v1',
      metadata: { name: 'etcd-0' },
      conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }],
    });
    expect((await t.request('/api/v1/componentstatuses/nope')).status).toBe(404);
  });

  it.each(KUBECTL_EDGES)(
    '42: kubectl %s gets componentstatuses and is refused deleting one',
    async (minor) => {
      const kubectl = await Kubectl.forKubeconfig(t.api.kubeconfig(), minor);
      try {
        const get = await kubectl.run(['get', 'componentstatuses']);
        expect(get.exitCode).toBe(0);
        expect(get.stderr).toContain('Warning: v1 ComponentStatus is deprecated in v1.19+');
        const lines = get.stdout.trim().split('\n');
        expect(lines[0]?.split(/\s+/)).toEqual(['NAME', 'STATUS', 'MESSAGE', 'ERROR']);
        expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3))).toEqual([
          ['controller-manager', 'Healthy', 'ok'],
          ['etcd-0', 'Healthy', 'ok'],
          ['scheduler', 'Healthy', 'ok'],
        ]);
        const removed = await kubectl.run(['delete', 'componentstatus', 'scheduler']);
        expect(removed.exitCode).toBe(1);
        expect(removed.stderr).toContain(
          'Error from server (MethodNotAllowed): the server does not allow this method on the requested resource',
        );
      } finally {
        await kubectl.dispose();
      }
    },
  );

  it('43: POST bindings binds the pod the Binding names, as pods/<name>/binding does', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unbound' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    };
    const created = await t.request('/api/v1/namespaces/default/pods', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(pod),
    });
    expect(created.status).toBe(201);
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'unbound' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'worker-2' },
    };
    const bound = await t.request('/api/v1/namespaces/default/bindings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(binding),
    });
    expect(bound.status).toBe(201);
    const after = (await (await t.request('/api/v1/namespaces/default/pods/unbound')).json()) as {
      spec: { nodeName?: string };
    };
    expect(after.spec.nodeName).toBe('worker-2');
  });

  it('44: boolean query parameters: anything but absent, 0 or false (any case) is true, the empty value too', async () => {
    const watches = async (query: string): Promise<boolean> => {
      const controller = new AbortController();
      const response = await t.request(`/api/v1/nodes?${query}`, { signal: controller.signal });
      expect(response.status).toBe(200);
      if (response.headers.get('transfer-encoding') !== 'chunked') {
        const body = (await response.json()) as { kind: string };
        expect(body.kind).toBe('NodeList');
        return false;
      }
      const events = (await readWatchLines(response, 1)) as Array<{ type: string }>;
      controller.abort();
      expect(events[0]?.type).toBe('ADDED');
      return true;
    };
    const answers: Record<string, boolean> = {};
    for (const query of ['watch=true', 'watch=1', 'watch=', 'watch', 'watch=yes', 'watch=TRUE']) {
      answers[query] = await watches(query);
    }
    for (const query of ['', 'watch=false', 'watch=0', 'watch=False', 'watch=FALSE', 'watch=0&watch=1']) {
      answers[query] = await watches(query);
    }
    expect(answers).toEqual({
      'watch=true': true,
      'watch=1': true,
      'watch=': true,
      watch: true,
      'watch=yes': true,
      'watch=TRUE': true,
      '': false,
      'watch=false': false,
      'watch=0': false,
      'watch=False': false,
      'watch=FALSE': false,
      'watch=0&watch=1': false,
    });
  });

  it('44: allowWatchBookmarks=1 asks for bookmarks as =true does', async () => {
    const rv = await t.registry.currentResourceVersion();
    const response = await t.request(
      `/api/v1/nodes?watch=1&resourceVersion=${rv}&allowWatchBookmarks=1&timeoutSeconds=1`,
    );
    const events = (await readWatchLines(response, 1, 5000)) as Array<{ type: string }>;
    expect(events.map((e) => e.type)).toEqual(['BOOKMARK']);
  });

  it.each(KUBECTL_EDGES)(
    '45: kubectl %s api-resources shows the v1.31 groups and their names',
    async (minor) => {
      const kubectl = await Kubectl.forKubeconfig(t.api.kubeconfig(), minor);
      try {
        const result = await kubectl.run(['api-resources', '--no-headers']);
        expect(result.exitCode).toBe(0);
        const rows = new Map(
          result.stdout
            .trim()
            .split('\n')
            .map((line) => line.trim().split(/\s+/))
            .map((cells) => [`${cells[0]} ${cells.at(-3)}`, cells]),
        );
        const row = (name: string, apiVersion: string) => rows.get(`${name} ${apiVersion}`);
        expect(row('componentstatuses', 'v1')).toEqual([
          'componentstatuses',
          'cs',
          'v1',
          'false',
          'ComponentStatus',
        ]);
        expect(row('bindings', 'v1')).toEqual(['bindings', 'v1', 'true', 'Binding']);
        expect(row('podtemplates', 'v1')).toEqual(['podtemplates', 'v1', 'true', 'PodTemplate']);
        expect(row('apiservices', 'apiregistration.k8s.io/v1')).toEqual([
          'apiservices',
          'apiregistration.k8s.io/v1',
          'false',
          'APIService',
        ]);
        expect(row('certificatesigningrequests', 'certificates.k8s.io/v1')).toEqual([
          'certificatesigningrequests',
          'csr',
          'certificates.k8s.io/v1',
          'false',
          'CertificateSigningRequest',
        ]);
        for (const [name, apiVersion] of [
          ['flowschemas', 'flowcontrol.apiserver.k8s.io/v1'],
          ['prioritylevelconfigurations', 'flowcontrol.apiserver.k8s.io/v1'],
          ['runtimeclasses', 'node.k8s.io/v1'],
          ['csidrivers', 'storage.k8s.io/v1'],
          ['csinodes', 'storage.k8s.io/v1'],
          ['csistoragecapacities', 'storage.k8s.io/v1'],
          ['volumeattachments', 'storage.k8s.io/v1'],
          ['ingressclasses', 'networking.k8s.io/v1'],
          ['validatingadmissionpolicies', 'admissionregistration.k8s.io/v1'],
          ['mutatingwebhookconfigurations', 'admissionregistration.k8s.io/v1'],
          ['horizontalpodautoscalers', 'autoscaling/v2'],
        ] as const) {
          expect({ name, row: row(name, apiVersion)?.slice(0, 1) }).toEqual({ name, row: [name] });
        }
        const versions = await kubectl.run(['api-versions']);
        expect(versions.stdout.trim().split('\n')).toEqual(
          expect.arrayContaining([
            'autoscaling/v1',
            'autoscaling/v2',
            'flowcontrol.apiserver.k8s.io/v1',
            'flowcontrol.apiserver.k8s.io/v1beta3',
            'apiregistration.k8s.io/v1',
            'node.k8s.io/v1',
            'certificates.k8s.io/v1',
          ]),
        );
      } finally {
        await kubectl.dispose();
      }
    },
  );
});
