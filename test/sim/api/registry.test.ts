import { createRegistry } from '../../../src/sim/registry/sim-registry.js';
import { createMemoryStore } from '../../../src/sim/store/memory-store.js';
import { type KubeObject, StatusError, type WatchEvent } from '../../../src/sim/types.js';
import { ManualClock } from './support/manual-clock.js';
import {
  CONFIGMAPS,
  DEPLOYMENTS,
  NAMESPACES,
  NODES,
  nodeObject,
  PODS,
  podObject,
  seedNamespaces,
} from './support/seed.js';

async function statusOf(promise: Promise<unknown>): Promise<StatusError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StatusError) return error;
    throw error;
  }
  throw new Error('expected a StatusError');
}

async function collect(events: WatchEvent[], count: number): Promise<void> {
  for (let i = 0; i < 100 && events.length < count; i++) await new Promise((r) => setTimeout(r, 10));
}

describe('registry', () => {
  it('stamps uid, creationTimestamp from the clock and a cluster-wide resourceVersion on create', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00.700Z'));
    const registry = createRegistry({ clock });
    const node = await registry.create(NODES, undefined, nodeObject('w1'));
    expect(node.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(node.metadata.creationTimestamp).toBe('2026-03-01T10:00:00Z');
    expect(node.metadata.resourceVersion).toBe('1');
    expect(node.status.nodeInfo.kubeletVersion).toBe('v1.31.4');
    const second = await registry.create(NODES, undefined, nodeObject('w2'));
    expect(second.metadata.resourceVersion).toBe('2');
    expect(await registry.currentResourceVersion()).toBe('2');
  });

  it('resets pod status to Pending on create and defaults the spec', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    const pod = await registry.create(PODS, 'default', {
      ...podObject('p', 'default'),
      status: { phase: 'Running' },
    });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(pod.spec.terminationGracePeriodSeconds).toBe(30);
    expect(pod.spec.restartPolicy).toBe('Always');
    expect(pod.metadata.generation).toBeUndefined();
  });

  it('generates names from generateName', async () => {
    const registry = createRegistry({ random: () => 0 });
    await seedNamespaces(registry);
    const cm = await registry.create(CONFIGMAPS, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'cfg-' },
    });
    expect(cm.metadata.name).toBe('cfg-bbbbb');
  });

  it('tracks generation for deployments on spec changes only', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    };
    const created = await registry.create(DEPLOYMENTS, 'default', deployment);
    expect(created.metadata.generation).toBe(1);
    expect(created.spec.replicas).toBe(1);
    const labelled = await registry.patch(DEPLOYMENTS, 'default', 'web', 'merge', {
      metadata: { labels: { a: 'b' } },
    });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = await registry.patch(DEPLOYMENTS, 'default', 'web', 'merge', { spec: { replicas: 3 } });
    expect(scaled.metadata.generation).toBe(2);
    const status = await registry.patch(
      DEPLOYMENTS,
      'default',
      'web',
      'merge',
      { status: { replicas: 3 } },
      { subresource: 'status' },
    );
    expect(status.metadata.generation).toBe(2);
    expect(status.status.replicas).toBe(3);
    const ignored = await registry.patch(DEPLOYMENTS, 'default', 'web', 'merge', { status: { replicas: 9 } });
    expect(ignored.status.replicas).toBe(3);
  });

  it('answers 404 for a namespaced create in a missing namespace', async () => {
    const registry = createRegistry();
    const error = await statusOf(registry.create(PODS, 'nowhere', podObject('p', 'nowhere')));
    expect(error.status).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "nowhere" not found',
    });
  });

  it('answers 422 for a pod without containers', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    const error = await statusOf(
      registry.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} }),
    );
    expect(error.status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Pod "p" is invalid: spec.containers: Required value',
      reason: 'Invalid',
      details: {
        name: 'p',
        kind: 'Pod',
        causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }],
      },
      code: 422,
    });
  });

  it('does not write on a no-op update', async () => {
    const registry = createRegistry();
    const node = await registry.create(NODES, undefined, nodeObject('w1'));
    const same = await registry.update(NODES, undefined, node);
    expect(same.metadata.resourceVersion).toBe(node.metadata.resourceVersion);
  });

  it('pages a list with limit/continue and reports remainingItemCount', async () => {
    const registry = createRegistry();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await registry.create(NODES, undefined, nodeObject(name));
    const first = await registry.list(NODES, { limit: 2 });
    expect(first.items.map((n) => n.metadata.name)).toEqual(['a', 'b']);
    expect(first.remainingItemCount).toBe(3);
    const second = await registry.list(NODES, { limit: 2, continue: first.continue });
    expect(second.items.map((n) => n.metadata.name)).toEqual(['c', 'd']);
    expect(second.resourceVersion).toBe(first.resourceVersion);
    const last = await registry.list(NODES, { limit: 2, continue: second.continue });
    expect(last.items.map((n) => n.metadata.name)).toEqual(['e']);
    expect(last.continue).toBeUndefined();
  });

  it('answers 410 for a continue token older than the change feed', async () => {
    const store = createMemoryStore({ historyLimit: 2 });
    const registry = createRegistry({ store });
    for (const name of ['a', 'b', 'c']) await registry.create(NODES, undefined, nodeObject(name));
    const first = await registry.list(NODES, { limit: 1 });
    for (const name of ['d', 'e', 'f']) await registry.create(NODES, undefined, nodeObject(name));
    const error = await statusOf(registry.list(NODES, { limit: 1, continue: first.continue }));
    expect(error.status).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('streams watch events and resumes from a resourceVersion', async () => {
    const registry = createRegistry();
    await registry.create(NODES, undefined, nodeObject('w1'));
    const events: WatchEvent[] = [];
    const handle = registry.watch(NODES, {}, (event) => events.push(event));
    await collect(events, 1);
    await registry.patch(NODES, undefined, 'w1', 'strategic', { spec: { unschedulable: true } });
    await registry.delete(NODES, undefined, 'w1');
    await collect(events, 3);
    handle.stop();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[2]?.object.metadata.resourceVersion).toBe('3');
    expect(events[2]?.object.spec.unschedulable).toBe(true);

    const resumed: WatchEvent[] = [];
    const again = registry.watch(NODES, { resourceVersion: '1' }, (event) => resumed.push(event));
    await collect(resumed, 2);
    again.stop();
    expect(resumed.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
  });

  it('ends a watch from a compacted resourceVersion with 410 Expired', async () => {
    const store = createMemoryStore({ historyLimit: 1 });
    const registry = createRegistry({ store });
    for (const name of ['a', 'b', 'c']) await registry.create(NODES, undefined, nodeObject(name));
    const ended = await new Promise<StatusError | undefined>((resolve) => {
      registry.watch(NODES, { resourceVersion: '1' }, () => undefined, resolve);
    });
    expect(ended?.status).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('marks a namespace Terminating on delete and refuses new content with 403', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry, 'team');
    const outcome = await registry.deleteWithOutcome(NAMESPACES, undefined, 'team');
    expect(outcome.removed).toBe(false);
    expect(outcome.object.status.phase).toBe('Terminating');
    const error = await statusOf(registry.create(PODS, 'team', podObject('p', 'team')));
    expect(error.status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message:
        'pods "p" is forbidden: unable to create new content in namespace team because it is being terminated',
      details: {
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: 'namespace team is being terminated',
            field: 'metadata.namespace',
          },
        ],
      },
    });
    await registry.update(
      NAMESPACES,
      undefined,
      { ...outcome.object, spec: { finalizers: [] } },
      { subresource: 'finalize' },
    );
    const gone = await statusOf(registry.get(NAMESPACES, undefined, 'team'));
    expect(gone.code).toBe(404);
  });
});

describe('registry deletion and finalizers', () => {
  it('keeps a graceful pod whose finalizer is removed until the kubelet deletes it with grace 0', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    await registry.create(PODS, 'default', {
      ...podObject('held', 'default', 'w1'),
      metadata: { name: 'held', finalizers: ['example.com/x'] },
    });
    const marked = await registry.deleteWithOutcome(PODS, 'default', 'held');
    expect(marked.removed).toBe(false);
    expect(marked.object.metadata.deletionGracePeriodSeconds).toBe(30);
    await registry.patch(PODS, 'default', 'held', 'merge', { metadata: { finalizers: null } });
    expect((await registry.get(PODS, 'default', 'held')).metadata.deletionTimestamp).toBeDefined();
    const gone = await registry.deleteWithOutcome(PODS, 'default', 'held', { gracePeriodSeconds: 0 });
    expect(gone.removed).toBe(true);
    expect((await statusOf(registry.get(PODS, 'default', 'held'))).code).toBe(404);
  });

  it('adds the foregroundDeletion finalizer for a Foreground delete and leaves removal to the garbage collector', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    await registry.create(CONFIGMAPS, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    });
    const outcome = await registry.deleteWithOutcome(CONFIGMAPS, 'default', 'c', {
      propagationPolicy: 'Foreground',
    });
    expect(outcome.removed).toBe(false);
    expect(outcome.object.metadata.finalizers).toEqual(['foregroundDeletion']);
  });

  it('a dry-run delete changes nothing', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    await registry.create(CONFIGMAPS, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
    });
    const before = await registry.currentResourceVersion();
    const outcome = await registry.deleteWithOutcome(CONFIGMAPS, 'default', 'c', { dryRun: true });
    expect(outcome.removed).toBe(true);
    expect(await registry.currentResourceVersion()).toBe(before);
    expect((await registry.get(CONFIGMAPS, 'default', 'c')).metadata.name).toBe('c');
  });

  it('stop() ends a watch without calling onEnd', async () => {
    const registry = createRegistry();
    let ended = 0;
    const handle = registry.watch(
      NODES,
      {},
      () => undefined,
      () => {
        ended++;
      },
    );
    handle.stop();
    await new Promise((r) => setTimeout(r, 10));
    expect(ended).toBe(0);
  });

  it('a custom eviction handler replaces the built-in one and runs after namespace admission', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    await registry.create(PODS, 'default', podObject('p', 'default', 'w1'));
    const calls: string[] = [];
    registry.setSubresourceHandler('pods', 'eviction', async (request) => {
      calls.push(`${request.namespace}/${request.name}`);
      return {
        code: 201,
        body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
      };
    });
    const answer = await registry.invokeSubresource({
      verb: 'create',
      ref: PODS,
      namespace: 'default',
      name: 'p',
      subresource: 'eviction',
      body: {},
      dryRun: false,
    });
    expect(answer.code).toBe(201);
    expect(calls).toEqual(['default/p']);
    expect((await registry.get(PODS, 'default', 'p')).metadata.deletionTimestamp).toBeUndefined();
  });
});

describe('registry validation', () => {
  const deployment = (labels: Record<string, string>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });

  it('names grouped kinds as Kind.group in 422 messages and refuses a changed workload selector', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    await registry.create(DEPLOYMENTS, 'default', deployment({ app: 'web' }));
    const error = await statusOf(registry.update(DEPLOYMENTS, 'default', deployment({ app: 'other' })));
    expect(error.status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
      details: { name: 'web', group: 'apps', kind: 'Deployment' },
    });
  });

  it('refuses invalid label values with 422', async () => {
    const registry = createRegistry();
    const error = await statusOf(
      registry.create(NODES, undefined, {
        ...nodeObject('n'),
        metadata: { name: 'n', labels: { zone: 'not valid!' } },
      }),
    );
    expect(error.status).toMatchObject({ code: 422, details: { causes: [{ field: 'metadata.labels' }] } });
  });
});

describe('registry finalizers while deleting', () => {
  it('refuses new finalizers on an object that is being deleted', async () => {
    const registry = createRegistry();
    await seedNamespaces(registry);
    await registry.create(CONFIGMAPS, 'default', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', finalizers: ['a.example/one'] },
    });
    await registry.delete(CONFIGMAPS, 'default', 'c');
    const error = await statusOf(
      registry.patch(CONFIGMAPS, 'default', 'c', 'merge', {
        metadata: { finalizers: ['a.example/one', 'b.example/two'] },
      }),
    );
    expect(error.status).toMatchObject({
      code: 422,
      message:
        'ConfigMap "c" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.example/two"}',
    });
  });
});
