import { rfc3339 } from '../registry/rfc3339.js';
import { type KubeObject, StatusError } from '../types.js';
import { withCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { resources } from './resources.js';
import { WorkQueue } from './work-queue.js';

/** How often a namespace still holding terminating objects is checked again (simulated time). */
const recheckMs = 2000;

/**
 * The namespace controller: a Terminating namespace is emptied (every namespaced resource the API serves,
 * custom resources included, deleted as `kubectl delete` would), its NamespaceContentRemaining condition
 * kept up to date, and once nothing is left its `kubernetes` finalizer is removed through `finalize`, after
 * which the API server removes it.
 */
export function startNamespaceController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const namespaces = informers.for(resources.namespaces);

  const reconcile = async (name: string) => {
    const namespace = namespaces.get(undefined, name);
    if (!namespace?.metadata.deletionTimestamp) return;
    const remaining: Record<string, number> = {};
    for (const info of registry.catalog) {
      if (!info.namespaced || !info.verbs.includes('list') || !info.verbs.includes('delete')) continue;
      const { items } = await registry.list(info, { namespace: name });
      for (const item of items) {
        remaining[info.group ? `${info.resource}.${info.group}` : info.resource] =
          (remaining[info.group ? `${info.resource}.${info.group}` : info.resource] ?? 0) + 1;
        if (item.metadata.deletionTimestamp) continue;
        try {
          await registry.delete(info, name, item.metadata.name ?? '', { propagationPolicy: 'Background' });
        } catch (error) {
          if (!(error instanceof StatusError && error.code === 404)) throw error;
        }
      }
    }
    const kinds = Object.keys(remaining).sort();
    const now = rfc3339(clock.now());
    if (kinds.length > 0) {
      const total = Object.values(remaining).reduce((sum, n) => sum + n, 0);
      const conditions = withCondition(
        namespace.status?.conditions,
        {
          type: 'NamespaceContentRemaining',
          status: 'True',
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${kinds.map((k) => `${k} has ${remaining[k]} resource instances`).join(', ')}`,
        },
        now,
      );
      if (conditions && total > 0) {
        const updated = await registry.update(
          resources.namespaces,
          undefined,
          { ...namespace, status: { ...namespace.status, conditions } },
          { subresource: 'status' },
        );
        namespaces.observe(updated);
      }
      queue.addAfter(name, recheckMs);
      return;
    }
    const finalizers: string[] = (namespace.spec?.finalizers ?? []).filter((f: string) => f !== 'kubernetes');
    const body: KubeObject = { ...namespace, spec: { ...namespace.spec, finalizers } };
    await registry.invokeSubresource({
      verb: 'update',
      ref: resources.namespaces,
      namespace: undefined,
      name,
      subresource: 'finalize',
      body,
      dryRun: false,
    });
  };

  const queue = new WorkQueue('namespace', reconcile, clock, context.log);
  const subscriptions = [
    namespaces.on((type, namespace) => {
      if (type !== 'DELETED' && namespace.metadata.deletionTimestamp)
        queue.add(namespace.metadata.name ?? '');
    }),
    // The last terminating pods going is usually what the namespace waits for.
    informers.for(resources.pods).on((type, pod) => {
      const namespace = namespaces.get(undefined, pod.metadata.namespace ?? '');
      if (type === 'DELETED' && namespace?.metadata.deletionTimestamp)
        queue.add(namespace.metadata.name ?? '');
    }),
  ];

  return {
    name: 'namespace',
    start() {
      for (const namespace of namespaces.list())
        if (namespace.metadata.deletionTimestamp) queue.add(namespace.metadata.name ?? '');
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
