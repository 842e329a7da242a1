import { decodeObject } from '../../../src/sim/http/protobuf/k8s-protobuf.js';
import type { KubeObject, WatchEvent } from '../../../src/sim/types.js';
import { CONFIGMAPS, markRunning, NAMESPACES, NODES, PODS, podObject } from './support/seed.js';
import { startTestApi, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
});
afterAll(async () => {
  await t.close();
});

const json = (body: unknown, type = 'application/json') => ({
  headers: { 'Content-Type': type, Accept: 'application/json' },
  body: JSON.stringify(body),
});
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

async function nextEvents(events: WatchEvent[], count: number): Promise<void> {
  for (let i = 0; i < 200 && events.length < count; i++) await new Promise((r) => setTimeout(r, 5));
}

describe('write contract', () => {
  it('8: cordon by strategic merge patch sets unschedulable, bumps the RV and emits MODIFIED', async () => {
    const before = await t.registry.get(NODES, undefined, 'worker-2');
    const events: WatchEvent[] = [];
    const watch = t.registry.watch(NODES, { resourceVersion: before.metadata.resourceVersion }, (e) =>
      events.push(e),
    );
    const response = await t.request('/api/v1/nodes/worker-2', {
      method: 'PATCH',
      ...json({ spec: { unschedulable: true } }, 'application/strategic-merge-patch+json'),
    });
    expect(response.status).toBe(200);
    const node = (await response.json()) as KubeObject;
    expect(node.spec.unschedulable).toBe(true);
    expect(Number(node.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion));
    await nextEvents(events, 1);
    watch.stop();
    expect(events.map((e) => [e.type, e.object.metadata.name, e.object.spec.unschedulable])).toEqual([
      ['MODIFIED', 'worker-2', true],
    ]);
  });

  it('9: uncordon with unschedulable null removes the field; kubectl uncordon prints it', async () => {
    const result = await t.kubectl.run(['uncordon', 'worker-2']);
    expect(result.stdout.trim()).toBe('node/worker-2 uncordoned');
    const patch = t.requests.filter((r) => r.method === 'PATCH').pop();
    expect(patch?.body).toBe('{"spec":{"unschedulable":null}}');
    const node = await t.registry.get(NODES, undefined, 'worker-2');
    expect('unschedulable' in node.spec).toBe(false);
    const cordon = await t.kubectl.run(['cordon', 'worker-2']);
    expect(cordon.stdout.trim()).toBe('node/worker-2 cordoned');
    expect((await t.kubectl.run(['cordon', 'worker-2'])).stdout.trim()).toBe(
      'node/worker-2 already cordoned',
    );
    expect((await t.registry.get(NODES, undefined, 'worker-2')).spec.unschedulable).toBe(true);
    expect((await t.kubectl.run(['uncordon', 'worker-2'])).stdout.trim()).toBe('node/worker-2 uncordoned');
  });

  it('10: json-patch with an object body is 400; text/plain is 415 with the exact message', async () => {
    const objectBody = await t.request('/api/v1/nodes/worker-1', {
      method: 'PATCH',
      ...json({ spec: { unschedulable: true } }, 'application/json-patch+json'),
    });
    expect(objectBody.status).toBe(400);
    expect(await objectBody.json()).toMatchObject({ reason: 'BadRequest', code: 400 });
    const plain = await t.request('/api/v1/nodes/worker-1', { method: 'PATCH', ...json({}, 'text/plain') });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
      code: 415,
    });
    const ops = await t.request('/api/v1/nodes/worker-1', {
      method: 'PATCH',
      ...json([{ op: 'add', path: '/metadata/labels/zone', value: 'a' }], 'application/json-patch+json'),
    });
    expect(ops.status).toBe(200);
    expect(((await ops.json()) as KubeObject).metadata.labels?.zone).toBe('a');
  });

  it('10: server-side apply needs a fieldManager (422 without) and creates what does not exist', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } };
    const missing = await t.request('/api/v1/namespaces/default/configmaps/ssa', {
      method: 'PATCH',
      ...json(body, 'application/apply-patch+yaml'),
    });
    expect(missing.status).toBe(422);
    const applied = await t.request(
      '/api/v1/namespaces/default/configmaps/ssa?fieldManager=kubectl&force=false',
      {
        method: 'PATCH',
        ...json(body, 'application/apply-patch+yaml'),
      },
    );
    expect(applied.status).toBe(201);
    expect(((await applied.json()) as KubeObject).data).toEqual({ a: '1' });
    const again = await t.request('/api/v1/namespaces/default/configmaps/ssa?fieldManager=kubectl', {
      method: 'PATCH',
      ...json({ ...body, data: { a: '2' } }, 'application/apply-patch+yaml'),
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as KubeObject).data).toEqual({ a: '2' });
  });

  it('11: merge patch with a null label removes it', async () => {
    const response = await t.request('/api/v1/nodes/worker-1', {
      method: 'PATCH',
      ...json({ metadata: { labels: { zone: null } } }, 'application/merge-patch+json'),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as KubeObject).metadata.labels).not.toHaveProperty('zone');
  });

  it('12: PUT with a stale resourceVersion is 409 Conflict; without one it is 200', async () => {
    const node = await t.registry.get(NODES, undefined, 'worker-1');
    await t.registry.patch(NODES, undefined, 'worker-1', 'merge', { metadata: { labels: { bump: '1' } } });
    const stale = await t.request('/api/v1/nodes/worker-1', { method: 'PUT', ...json(node) });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on nodes "worker-1": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'worker-1', kind: 'nodes' },
      code: 409,
    });
    const unconditional = await t.request('/api/v1/nodes/worker-1', {
      method: 'PUT',
      ...json({ ...node, metadata: { ...node.metadata, resourceVersion: undefined } }),
    });
    expect(unconditional.status).toBe(200);
  });

  it('12: PUT ignores status on the main resource and spec on /status', async () => {
    const pod = await t.registry.get(PODS, 'default', 'web-1');
    const main = await t.request('/api/v1/namespaces/default/pods/web-1', {
      method: 'PUT',
      ...json({
        ...pod,
        status: { phase: 'Failed' },
        metadata: { ...pod.metadata, labels: { app: 'web', x: 'y' } },
      }),
    });
    const afterMain = (await main.json()) as KubeObject;
    expect(afterMain.status.phase).toBe('Running');
    expect(afterMain.metadata.labels?.x).toBe('y');
    const status = await t.request('/api/v1/namespaces/default/pods/web-1/status', {
      method: 'PUT',
      ...json({
        ...afterMain,
        spec: { ...afterMain.spec, nodeName: 'elsewhere' },
        status: { ...afterMain.status, message: 'hi' },
      }),
    });
    const afterStatus = (await status.json()) as KubeObject;
    expect(afterStatus.spec.nodeName).toBe('worker-1');
    expect(afterStatus.status.message).toBe('hi');
  });

  it('13: POST of an existing name is 409 AlreadyExists; with a resourceVersion it is 500', async () => {
    const existing = await t.request('/api/v1/namespaces/default/pods', {
      method: 'POST',
      ...json(podObject('web-1', 'default')),
    });
    expect(existing.status).toBe(409);
    expect(await existing.json()).toMatchObject({
      reason: 'AlreadyExists',
      message: 'pods "web-1" already exists',
      details: { name: 'web-1', kind: 'pods' },
    });
    const withRv = await t.request('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      ...json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rv', resourceVersion: '5' } }),
    });
    expect(withRv.status).toBe(500);
    expect(await withRv.json()).toMatchObject({
      reason: 'Unknown',
      message: 'resourceVersion should not be set on objects to be created',
      code: 500,
    });
  });

  it('13: the namespace in the body must match the URL', async () => {
    const response = await t.request('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      ...json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'team' } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      reason: 'BadRequest',
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    });
  });

  it('19: DELETE of a scheduled running pod sets deletionTimestamp = now + 30s and answers the pod', async () => {
    await t.registry.create(PODS, 'default', podObject('graceful', 'default', 'worker-1'));
    await markRunning(t.registry, 'default', 'graceful');
    const now = t.clock.now();
    const response = await t.request('/api/v1/namespaces/default/pods/graceful', { method: 'DELETE' });
    expect(response.status).toBe(200);
    const pod = (await response.json()) as KubeObject;
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.deletionTimestamp).toBe(iso(now + 30_000));
    expect(pod.metadata.deletionGracePeriodSeconds).toBe(30);
    const longer = (await (
      await t.request('/api/v1/namespaces/default/pods/graceful', {
        method: 'DELETE',
        ...json({ gracePeriodSeconds: 60 }),
      })
    ).json()) as KubeObject;
    expect(longer.metadata.deletionGracePeriodSeconds).toBe(30);
    const shorter = (await (
      await t.request('/api/v1/namespaces/default/pods/graceful', {
        method: 'DELETE',
        ...json({ gracePeriodSeconds: 5 }),
      })
    ).json()) as KubeObject;
    expect(shorter.metadata.deletionGracePeriodSeconds).toBe(5);
    expect(shorter.metadata.deletionTimestamp).toBe(iso(now + 5_000));
    const table = await t.kubectl.run(['get', 'pod', 'graceful']);
    expect(table.stdout).toMatch(/graceful\s+1\/1\s+Terminating/);
    // What the simulated kubelet does at the end of the grace period:
    await t.registry.delete(PODS, 'default', 'graceful', { gracePeriodSeconds: 0 });
    expect((await t.request('/api/v1/namespaces/default/pods/graceful')).status).toBe(404);
  });

  it('20: unscheduled and finished pods go at once; finalizers keep an object until cleared', async () => {
    await t.registry.create(PODS, 'default', podObject('unscheduled', 'default'));
    const gone = await t.request('/api/v1/namespaces/default/pods/unscheduled', { method: 'DELETE' });
    expect(gone.status).toBe(200);
    expect((await t.request('/api/v1/namespaces/default/pods/unscheduled')).status).toBe(404);

    await t.registry.create(PODS, 'default', podObject('done', 'default', 'worker-1'));
    const done = await t.registry.get(PODS, 'default', 'done');
    await t.registry.update(
      PODS,
      'default',
      { ...done, status: { phase: 'Succeeded' } },
      { subresource: 'status' },
    );
    await t.request('/api/v1/namespaces/default/pods/done', { method: 'DELETE' });
    expect((await t.request('/api/v1/namespaces/default/pods/done')).status).toBe(404);

    await t.registry.create(CONFIGMAPS, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'held', finalizers: ['example.com/hold'] },
    });
    const held = await t.request('/api/v1/namespaces/default/configmaps/held', { method: 'DELETE' });
    expect(held.status).toBe(200);
    const heldObject = (await held.json()) as KubeObject;
    expect(heldObject.metadata.deletionTimestamp).toBe(iso(t.clock.now()));
    await t.registry.patch(CONFIGMAPS, 'default', 'held', 'merge', { metadata: { finalizers: null } });
    expect((await t.request('/api/v1/namespaces/default/configmaps/held')).status).toBe(404);

    await t.registry.create(CONFIGMAPS, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'plain' },
    });
    const plain = await t.request('/api/v1/namespaces/default/configmaps/plain', { method: 'DELETE' });
    const status = (await plain.json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'plain', kind: 'configmaps' },
    });
  });

  it('20: delete preconditions on uid and resourceVersion answer 409', async () => {
    await t.registry.create(CONFIGMAPS, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'pre' },
    });
    const response = await t.request('/api/v1/namespaces/default/configmaps/pre', {
      method: 'DELETE',
      ...json({ preconditions: { uid: 'not-it' } }),
    });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { message: string }).message).toContain(
      'the UID in the precondition (not-it) does not match the UID in record',
    );
  });

  it('21: a protobuf DeleteOptions body (kubectl drain --disable-eviction) has its grace period honoured', async () => {
    await t.registry.create(PODS, 'default', podObject('proto', 'default', 'worker-1'));
    await markRunning(t.registry, 'default', 'proto');
    const now = t.clock.now();
    const body = Buffer.from('6b3873000a130a027631120d44656c6574654f7074696f6e73120208071a002200', 'hex');
    const response = await t.request('/api/v1/namespaces/default/pods/proto', {
      method: 'DELETE',
      headers: {
        'Content-Type': 'application/vnd.kubernetes.protobuf',
        Accept: 'application/vnd.kubernetes.protobuf,application/json',
      },
      body,
    });
    expect(response.status).toBe(200);
    // The client asked for protobuf first, so the answer is the pod in protobuf.
    expect(response.headers.get('content-type')).toBe('application/vnd.kubernetes.protobuf');
    const pod = decodeObject(new Uint8Array(await response.arrayBuffer())) as KubeObject;
    expect(pod.metadata.deletionGracePeriodSeconds).toBe(7);
    expect(pod.metadata.deletionTimestamp).toBe(iso(now + 7000));
    await t.registry.delete(PODS, 'default', 'proto', { gracePeriodSeconds: 0 });
  });

  it('21: kubectl 1.32 drain --disable-eviction --grace-period=0 deletes the pods over protobuf', async () => {
    await t.registry.create(PODS, 'team', podObject('drained', 'team', 'worker-2'));
    // The machines' kubectl dispatcher picks its client from /version; 1.32's typed clients send protobuf.
    t.api.setVersion('v1.32.4');
    t.requests.length = 0;
    const result = await t.kubectl.run([
      'drain',
      'worker-2',
      '--disable-eviction',
      '--force',
      '--grace-period=0',
      '--timeout=10s',
    ]);
    expect(result.stdout).toContain('node/worker-2 cordoned');
    expect(result.stdout).toContain('pod/drained deleted');
    expect(result.stdout).toContain('node/worker-2 drained');
    expect(result.exitCode).toBe(0);
    const deletes = t.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.headers['content-type'])).toEqual([
      'application/vnd.kubernetes.protobuf',
      'application/vnd.kubernetes.protobuf',
    ]);
    t.api.setVersion('v1.31.4');
    await t.registry.create(PODS, 'default', podObject('web-2', 'default', 'worker-2', { app: 'web' }));
    await markRunning(t.registry, 'default', 'web-2', '10.244.2.5');
    await t.kubectl.run(['uncordon', 'worker-2']);
  });

  it('29: eviction of a missing pod is 404, a mismatched name 400, and dryRun=All changes nothing', async () => {
    const eviction = (name: string) => ({
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace: 'default' },
    });
    const missing = await t.request('/api/v1/namespaces/default/pods/ghost/eviction', {
      method: 'POST',
      ...json(eviction('ghost')),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ reason: 'NotFound', message: 'pods "ghost" not found' });
    const mismatch = await t.request('/api/v1/namespaces/default/pods/web-1/eviction', {
      method: 'POST',
      ...json(eviction('other')),
    });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({
      message: 'name in URL does not match name in Eviction object',
    });
    const before = await t.registry.get(PODS, 'default', 'web-1');
    const dry = await t.request('/api/v1/namespaces/default/pods/web-1/eviction?dryRun=All', {
      method: 'POST',
      ...json(eviction('web-1')),
    });
    expect(dry.status).toBe(201);
    expect(await dry.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    expect((await t.registry.get(PODS, 'default', 'web-1')).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
  });

  it('29: eviction only answers POST: GET on it is 405 and evicts nothing', async () => {
    const before = await t.registry.get(PODS, 'default', 'web-1');
    const response = await t.request('/api/v1/namespaces/default/pods/web-1/eviction');
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    expect((await t.registry.get(PODS, 'default', 'web-1')).metadata.resourceVersion).toBe(
      before.metadata.resourceVersion,
    );
  });

  it('2.7: dryRun=All writes nothing; any other value is 422', async () => {
    const revision = await t.registry.currentResourceVersion();
    const dry = await t.request('/api/v1/namespaces/default/configmaps?dryRun=All', {
      method: 'POST',
      ...json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } }),
    });
    expect(dry.status).toBe(201);
    expect((await t.request('/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
    const patch = await t.request('/api/v1/nodes/worker-1?dryRun=All', {
      method: 'PATCH',
      ...json({ spec: { unschedulable: true } }, 'application/strategic-merge-patch+json'),
    });
    expect(((await patch.json()) as KubeObject).spec.unschedulable).toBe(true);
    expect((await t.registry.get(NODES, undefined, 'worker-1')).spec.unschedulable).toBeUndefined();
    expect(await t.registry.currentResourceVersion()).toBe(revision);
    const wrong = await t.request('/api/v1/nodes/worker-1?dryRun=Some', {
      method: 'PATCH',
      ...json({}, 'application/merge-patch+json'),
    });
    expect(wrong.status).toBe(422);
    expect(await wrong.json()).toMatchObject({ reason: 'Invalid', details: { kind: 'PatchOptions' } });
  });

  it('30: creates and evictions in a terminating namespace are 403 NamespaceTerminating', async () => {
    await t.registry.create(NAMESPACES, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'doomed' },
    });
    await t.registry.create(PODS, 'doomed', podObject('last', 'doomed', 'worker-1'));
    const deleted = await t.request('/api/v1/namespaces/doomed', { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as KubeObject).status.phase).toBe('Terminating');
    const create = await t.request('/api/v1/namespaces/doomed/configmaps', {
      method: 'POST',
      ...json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } }),
    });
    expect(create.status).toBe(403);
    expect(await create.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      reason: 'Forbidden',
      details: {
        name: 'late',
        kind: 'configmaps',
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: 'namespace doomed is being terminated',
            field: 'metadata.namespace',
          },
        ],
      },
      code: 403,
    });
    const evict = await t.request('/api/v1/namespaces/doomed/pods/last/eviction', {
      method: 'POST',
      ...json({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'last', namespace: 'doomed' } }),
    });
    expect(evict.status).toBe(403);
    expect(await evict.json()).toMatchObject({
      message:
        'pods "last" is forbidden: unable to create new content in namespace doomed because it is being terminated',
      details: { causes: [{ reason: 'NamespaceTerminating' }] },
    });
  });

  it('binding sets spec.nodeName once; a second binding is 409', async () => {
    await t.registry.create(PODS, 'default', podObject('to-bind', 'default'));
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'to-bind' },
      target: { kind: 'Node', name: 'worker-1' },
    };
    const first = await t.request('/api/v1/namespaces/default/pods/to-bind/binding', {
      method: 'POST',
      ...json(binding),
    });
    expect(first.status).toBe(201);
    const pod = await t.registry.get(PODS, 'default', 'to-bind');
    expect(pod.spec.nodeName).toBe('worker-1');
    expect(pod.status.conditions).toEqual([
      expect.objectContaining({ type: 'PodScheduled', status: 'True' }),
    ]);
    const second = await t.request('/api/v1/namespaces/default/pods/to-bind/binding', {
      method: 'POST',
      ...json(binding),
    });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { message: string }).message).toContain(
      'is already assigned to node "worker-1"',
    );
  });

  it('31: a dry-run create of an existing object is 409 AlreadyExists; of a new one, it answers the object and stores nothing', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '1' } };
    const fresh = await t.request('/api/v1/namespaces/default/configmaps?dryRun=All', {
      method: 'POST',
      ...json(body),
    });
    expect(fresh.status).toBe(201);
    expect(((await fresh.json()) as KubeObject).metadata.name).toBe('dry');
    expect((await t.request('/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
    await t.registry.create(CONFIGMAPS, 'default', body);
    const again = await t.request('/api/v1/namespaces/default/configmaps?dryRun=All', {
      method: 'POST',
      ...json(body),
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      reason: 'AlreadyExists',
      message: 'configmaps "dry" already exists',
      code: 409,
    });
    const kubectl = await t.kubectl.run(['create', '--dry-run=server', '-f', '-'], {
      input: JSON.stringify(body),
    });
    expect(kubectl.exitCode).not.toBe(0);
    expect(kubectl.stderr).toContain('configmaps "dry" already exists');
  });
});
