import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/sim/types.js';
import { NODES, PODS, podObject } from './support/seed.js';
import { startTestApi, type TestApi } from './support/test-api.js';

let t: TestApi;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
beforeAll(async () => {
  t = await startTestApi();
  kc = new k8s.KubeConfig();
  kc.loadFromString(t.api.kubeconfig());
  core = kc.makeApiClient(k8s.CoreV1Api);
});
afterAll(async () => {
  await t.close();
});

async function until(check: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('39: @kubernetes/client-node against the simulator', () => {
  it('listNode returns the NodeList', async () => {
    const list = await core.listNode();
    expect(list.items.map((n) => n.metadata?.name)).toEqual(['worker-1', 'worker-2']);
    expect(list.metadata?.resourceVersion).toBe(await t.registry.currentResourceVersion());
    const accept = t.requests.filter((r) => r.url.startsWith('/api/v1/nodes')).pop()?.headers.accept;
    expect(accept).toBe('application/json, */*;q=0.8');
  });

  it('patchNode with the MergePatch and StrategicMergePatch headers', async () => {
    const merged = await core.patchNode(
      { name: 'worker-1', body: { metadata: { labels: { patched: 'merge' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels?.patched).toBe('merge');
    const cordoned = await core.patchNode(
      { name: 'worker-1', body: { spec: { unschedulable: true } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
    expect(cordoned.spec?.unschedulable).toBe(true);
    await core.patchNode(
      { name: 'worker-1', body: { spec: { unschedulable: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
  });

  it('the default json-patch content type with an object body is a 400 ApiException', async () => {
    const error = await core
      .patchNode({ name: 'worker-1', body: { spec: { unschedulable: true } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(k8s.ApiException);
    const apiError = error as k8s.ApiException<string>;
    expect(apiError.code).toBe(400);
    expect(JSON.parse(apiError.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect((await t.registry.get(NODES, undefined, 'worker-1')).spec.unschedulable).toBeUndefined();
  });

  it('a missing object is a 404 ApiException whose body is the Status JSON', async () => {
    const error = await core
      .readNamespacedPod({ name: 'ghost', namespace: 'default' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(k8s.ApiException);
    const apiError = error as k8s.ApiException<string>;
    expect(apiError.code).toBe(404);
    expect(JSON.parse(apiError.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "ghost" not found',
      reason: 'NotFound',
      details: { name: 'ghost', kind: 'pods' },
      code: 404,
    });
  });

  it('createNamespacedPodEviction posts policy/v1 Eviction and the pod starts terminating', async () => {
    await t.registry.create(PODS, 'default', podObject('evictee', 'default', 'worker-2'));
    await core.createNamespacedPodEviction({
      name: 'evictee',
      namespace: 'default',
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: 'evictee', namespace: 'default' },
      },
    });
    const pod = await t.registry.get(PODS, 'default', 'evictee');
    expect(pod.metadata.deletionTimestamp).toBeDefined();
    await t.registry.delete(PODS, 'default', 'evictee', { gracePeriodSeconds: 0 });
  });

  it('Watch.watch on /api/v1/pods streams ADDED, MODIFIED and DELETED', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const watch = new k8s.Watch(kc);
    const rv = await t.registry.currentResourceVersion();
    const request = await watch.watch(
      '/api/v1/pods',
      { resourceVersion: rv, allowWatchBookmarks: true },
      (phase: string, object: KubeObject) => seen.push([phase, object.metadata?.name]),
      () => undefined,
    );
    await t.registry.create(PODS, 'team', podObject('watched', 'team'));
    await t.registry.patch(PODS, 'team', 'watched', 'merge', { metadata: { labels: { a: 'b' } } });
    await t.registry.delete(PODS, 'team', 'watched');
    await until(() => seen.length >= 3);
    request.abort();
    expect(seen).toEqual([
      ['ADDED', 'watched'],
      ['MODIFIED', 'watched'],
      ['DELETED', 'watched'],
    ]);
  });

  it('an informer lists, watches, and relists after a 410 on resume', async () => {
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () =>
      core.listNamespacedPod({ namespace: 'default' }),
    );
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on('add', (pod) => added.push(pod.metadata?.name ?? ''));
    informer.on('delete', (pod) => deleted.push(pod.metadata?.name ?? ''));
    informer.on('error', () => undefined);
    await informer.start();
    try {
      expect(
        informer
          .list()
          .map((p) => p.metadata?.name)
          .sort(),
      ).toEqual(['web-1', 'web-2']);
      await t.registry.create(PODS, 'default', podObject('informed', 'default'));
      await until(() => added.includes('informed'));
      expect(added).toContain('informed');
      // The next resume is answered 410: the informer must relist and keep going.
      t.api.faults.expireNextWatchResume();
      t.api.faults.dropWatches();
      await t.registry.delete(PODS, 'default', 'informed');
      await until(() => deleted.includes('informed'), 500);
      expect(deleted).toContain('informed');
    } finally {
      await informer.stop();
    }
  });

  it('KubernetesObjectApi creates, reads, lists, server-side applies and deletes through discovery', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const spec: k8s.KubernetesObject & { data: Record<string, string> } = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: 'team' },
      data: { a: '1' },
    };
    const created = await objects.create(spec);
    expect(created.metadata?.uid).toBeDefined();
    const read = await objects.read({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: 'team' },
    });
    expect((read as { data?: Record<string, string> }).data).toEqual({ a: '1' });
    const listed = await objects.list('v1', 'ConfigMap', 'team');
    expect(listed.items.map((i) => i.metadata?.name)).toContain('generic');
    const applied = await objects.patch(
      { ...spec, data: { a: '2' } },
      undefined,
      undefined,
      'bosun',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect((applied as { data?: Record<string, string> }).data).toEqual({ a: '2' });
    const deployment = await objects
      .read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'team' } })
      .catch((e: unknown) => e);
    expect((deployment as k8s.ApiException<string>).code).toBe(404);
    await objects.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: 'team' },
    });
    await expect(
      t.registry.get({ group: '', resource: 'configmaps' }, 'team', 'generic'),
    ).rejects.toMatchObject({ code: 404 });
  });
});
