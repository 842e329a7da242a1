import type { KubeObject } from '../../../src/sim/types.js';
import { KUBECTL_EDGES, NEWEST_KUBECTL } from '../../support/kubectl.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

let rig: SimRig;
beforeAll(async () => {
  rig = await startSimRig({ scenario: 'small' });
});
afterAll(async () => {
  await rig?.stop();
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${rig.sim.url}${path}`);
  return { status: response.status, body: await response.json() };
}

/** Every group-version /api and /apis serve, as APIService names (`v1.`, `v1.apps`, …). */
async function servedGroupVersions(): Promise<string[]> {
  const apis = (await get('/apis')).body as {
    groups: Array<{ name: string; versions: Array<{ version: string }> }>;
  };
  return ['v1.', ...apis.groups.flatMap((g) => g.versions.map((v) => `${v.version}.${g.name}`))].sort();
}

async function apiServices(): Promise<KubeObject[]> {
  const list = (await get('/apis/apiregistration.k8s.io/v1/apiservices')).body as { items: KubeObject[] };
  return list.items;
}

describe('APIService objects (the autoregister controller)', () => {
  it('46: there is one Local, Available APIService per served group-version, with kube-apiserver priorities', async () => {
    const want = await servedGroupVersions();
    const items = await eventually('an APIService per served group-version', async () => {
      const listed = await apiServices();
      return listed.length === want.length ? listed : undefined;
    });
    expect(items.map((i) => i.metadata.name).sort()).toEqual(want);
    const byName = new Map(items.map((i) => [i.metadata.name, i]));
    expect(byName.get('v1.')).toMatchObject({
      metadata: { labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } },
      spec: { version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 },
      status: {
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'Local',
            message: 'Local APIServices are always available',
          },
        ],
      },
    });
    expect(byName.get('v1.')?.spec).not.toHaveProperty('service');
    expect(byName.get('v1.apps')?.spec).toEqual({
      group: 'apps',
      version: 'v1',
      groupPriorityMinimum: 17800,
      versionPriority: 15,
    });
    expect(byName.get('v2.autoscaling')?.spec).toMatchObject({
      groupPriorityMinimum: 17500,
      versionPriority: 30,
    });
    expect(byName.get('v1beta3.flowcontrol.apiserver.k8s.io')?.spec).toMatchObject({
      groupPriorityMinimum: 16100,
      versionPriority: 18,
    });
  });

  it.each(KUBECTL_EDGES)(
    '46: kubectl %s get apiservices prints NAME SERVICE AVAILABLE AGE, all Local and True',
    async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const result = await kubectl.run(['get', 'apiservices']);
      expect(result.exitCode).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]?.split(/\s+/)).toEqual(['NAME', 'SERVICE', 'AVAILABLE', 'AGE']);
      const rows = lines.slice(1).map((line) => line.split(/\s+/));
      expect(rows.map((r) => r[0]).sort()).toEqual(await servedGroupVersions());
      expect(rows.every((r) => r[1] === 'Local' && r[2] === 'True')).toBe(true);
    },
  );

  it('46: a CRD group gets an automanaged APIService, removed again with the CRD', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    const created = await fetch(`${rig.sim.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(crd),
    });
    expect(created.status).toBe(201);
    const service = await eventually('v1.example.com', async () => {
      const answer = await get('/apis/apiregistration.k8s.io/v1/apiservices/v1.example.com');
      return answer.status === 200 ? (answer.body as KubeObject) : undefined;
    });
    expect(service).toMatchObject({
      metadata: { labels: { 'kube-aggregator.kubernetes.io/automanaged': 'true' } },
      spec: { group: 'example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 100 },
    });
    const kubectl = await rig.kubectl(NEWEST_KUBECTL);
    const removed = await kubectl.run(['delete', 'crd', 'widgets.example.com']);
    expect(removed.exitCode).toBe(0);
    await eventually(
      'v1.example.com removed',
      async () =>
        (await get('/apis/apiregistration.k8s.io/v1/apiservices/v1.example.com')).status === 404
          ? true
          : undefined,
      10_000,
    );
  });
});
