import type { KubeObject } from '../../../src/sim/types.js';
import { startTestApi, TABLE_ACCEPT, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(async () => {
  await t.close();
});

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'backups.bosun.dev' },
  spec: {
    group: 'bosun.dev',
    scope: 'Namespaced',
    names: {
      plural: 'backups',
      singular: 'backup',
      kind: 'Backup',
      shortNames: ['bk'],
      categories: ['bosun'],
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Target', type: 'string', jsonPath: '.spec.target' }],
      },
    ],
  },
};

const json = (body: unknown, type = 'application/json') => ({
  headers: { 'Content-Type': type },
  body: JSON.stringify(body),
});

describe('custom resources', () => {
  it('a created CRD is Established and its resource is served, discovered and printed', async () => {
    const created = await t.request('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      method: 'POST',
      ...json(CRD),
    });
    expect(created.status).toBe(201);
    const crd = (await created.json()) as KubeObject;
    expect(crd.status.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Established', status: 'True' })]),
    );
    const groups = (await (await t.request('/apis')).json()) as { groups: Array<{ name: string }> };
    expect(groups.groups.map((g) => g.name)).toContain('bosun.dev');
    const resources = (await (await t.request('/apis/bosun.dev/v1')).json()) as {
      resources: Array<{ name: string; shortNames?: string[] }>;
    };
    expect(resources.resources.map((r) => r.name)).toEqual(['backups', 'backups/status']);

    const backup = {
      apiVersion: 'bosun.dev/v1',
      kind: 'Backup',
      metadata: { name: 'nightly' },
      spec: { target: 'etcd' },
    };
    const made = await t.request('/apis/bosun.dev/v1/namespaces/default/backups', {
      method: 'POST',
      ...json(backup),
    });
    expect(made.status).toBe(201);
    expect(((await made.json()) as KubeObject).metadata.generation).toBe(1);
    const list = (await (await t.request('/apis/bosun.dev/v1/namespaces/default/backups')).json()) as {
      kind: string;
      items: KubeObject[];
    };
    expect(list.kind).toBe('BackupList');
    expect(list.items[0]?.kind).toBe('Backup');
    const table = (await (
      await t.request('/apis/bosun.dev/v1/backups', { headers: { Accept: TABLE_ACCEPT } })
    ).json()) as {
      columnDefinitions: Array<{ name: string }>;
      rows: Array<{ cells: unknown[] }>;
    };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Target']);
    expect(table.rows[0]?.cells).toEqual(['nightly', 'etcd']);

    const printed = await t.kubectl.run(['get', 'bk', '-n', 'default']);
    expect(
      printed.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)),
    ).toEqual([
      ['NAME', 'TARGET'],
      ['nightly', 'etcd'],
    ]);
  });

  it('strategic merge on a custom resource is 415; merge patch works and bumps generation', async () => {
    const strategic = await t.request('/apis/bosun.dev/v1/namespaces/default/backups/nightly', {
      method: 'PATCH',
      ...json({ spec: { target: 'pvc' } }, 'application/strategic-merge-patch+json'),
    });
    expect(strategic.status).toBe(415);
    expect(await strategic.json()).toMatchObject({
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    });
    const merged = await t.request('/apis/bosun.dev/v1/namespaces/default/backups/nightly', {
      method: 'PATCH',
      ...json({ spec: { target: 'pvc' } }, 'application/merge-patch+json'),
    });
    expect(((await merged.json()) as KubeObject).metadata.generation).toBe(2);
  });

  it('deleting the CRD removes its objects and stops serving the resource', async () => {
    const deleted = await t.request(
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/backups.bosun.dev',
      { method: 'DELETE' },
    );
    expect(deleted.status).toBe(200);
    // Terminating until the cleanup finalizer goes; no controllers run here, so the test removes it.
    const terminating = (await deleted.json()) as KubeObject;
    expect(terminating.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    const released = await t.request(
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/backups.bosun.dev',
      { method: 'PATCH', ...json({ metadata: { finalizers: null } }, 'application/merge-patch+json') },
    );
    expect(released.status).toBe(200);
    expect((await t.request('/apis/bosun.dev/v1/namespaces/default/backups')).status).toBe(404);
    expect((await t.request('/apis/bosun.dev/v1')).status).toBe(404);
    const groups = (await (await t.request('/apis')).json()) as { groups: Array<{ name: string }> };
    expect(groups.groups.map((g) => g.name)).not.toContain('bosun.dev');
  });
});
