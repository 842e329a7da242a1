import { rfc3339 } from '../registry/rfc3339.js';
import { type KubeObject, StatusError } from '../types.js';
import { type Condition, withCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { resources } from './resources.js';
import { WorkQueue } from './work-queue.js';

/** How often a namespace still holding terminating objects is checked again (simulated time). */
const recheckMs = 2000;

/**
 * How long a Terminating namespace keeps its content before the controller starts deleting it (simulated
 * time, so `--time-scale` scales it). A real namespace controller first runs discovery over every API group
 * and works through a rate-limited queue, which takes a few seconds: long enough that `kubectl delete -f`
 * of a file holding a namespace and its objects finds each object still there.
 */
export const NAMESPACE_CONTENT_DELETION_DELAY_MS = 5000;

/** The conditions a namespace carries while it is deleted (pkg/controller/namespace/deletion). */
function deletionConditions(
  remaining: Record<string, number>,
  finalizers: Record<string, number>,
): Condition[] {
  const resourcesLeft = Object.keys(remaining).sort();
  const finalizersLeft = Object.keys(finalizers).sort();
  return [
    {
      type: 'NamespaceDeletionDiscoveryFailure',
      status: 'False',
      reason: 'ResourcesDiscovered',
      message: 'All resources successfully discovered',
    },
    {
      type: 'NamespaceDeletionGroupVersionParsingFailure',
      status: 'False',
      reason: 'ParsedGroupVersions',
      message: 'All legacy kube types successfully parsed',
    },
    {
      type: 'NamespaceDeletionContentFailure',
      status: 'False',
      reason: 'ContentDeleted',
      message: 'All content successfully deleted, may be waiting on finalization',
    },
    resourcesLeft.length > 0
      ? {
          type: 'NamespaceContentRemaining',
          status: 'True',
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${resourcesLeft.map((r) => `${r} has ${remaining[r]} resource instances`).join(', ')}`,
        }
      : {
          type: 'NamespaceContentRemaining',
          status: 'False',
          reason: 'ContentRemoved',
          message: 'All content successfully removed',
        },
    finalizersLeft.length > 0
      ? {
          type: 'NamespaceFinalizersRemaining',
          status: 'True',
          reason: 'SomeFinalizersRemain',
          message: `Some content in the namespace has finalizers remaining: ${finalizersLeft.map((f) => `${f} in ${finalizers[f]} resource instances`).join(', ')}`,
        }
      : {
          type: 'NamespaceFinalizersRemaining',
          status: 'False',
          reason: 'ContentHasNoFinalizers',
          message: 'All content-preserving finalizers finished',
        },
  ];
}

/**
 * The namespace controller: a Terminating namespace keeps its content for a moment (the controller's
 * discovery and queue, NAMESPACE_CONTENT_DELETION_DELAY_MS), then is emptied (every namespaced resource the
 * API serves, custom resources included, deleted as `kubectl delete` would, each with its own graceful
 * deletion and finalizers), its deletion conditions kept up to date, and once nothing is left its
 * `kubernetes` finalizer is removed through `finalize`, after which the API server removes it.
 */
export function startNamespaceController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const namespaces = informers.for(resources.namespaces);
  /** When the controller first saw each namespace Terminating (real time): its content waits from then. */
  const seenTerminating = new Map<string, number>();

  const writeConditions = async (namespace: KubeObject, conditions: Condition[]) => {
    const now = rfc3339(clock.now());
    let next: unknown = namespace.status?.conditions;
    let changed = false;
    for (const condition of conditions) {
      const updated = withCondition(next, condition, now);
      if (updated) {
        next = updated;
        changed = true;
      }
    }
    if (!changed) return;
    const updated = await registry.update(
      resources.namespaces,
      undefined,
      { ...namespace, status: { ...namespace.status, conditions: next } },
      { subresource: 'status' },
    );
    namespaces.observe(updated);
  };

  const reconcile = async (name: string) => {
    const namespace = namespaces.get(undefined, name);
    if (!namespace?.metadata.deletionTimestamp) {
      seenTerminating.delete(name);
      return;
    }
    const now = clock.now();
    const seen = seenTerminating.get(name) ?? now;
    seenTerminating.set(name, seen);
    const startAt = seen + clock.scale(NAMESPACE_CONTENT_DELETION_DELAY_MS);
    if (now < startAt) {
      queue.addAt(name, startAt);
      return;
    }
    const remaining: Record<string, number> = {};
    const finalizers: Record<string, number> = {};
    for (const info of registry.catalog) {
      if (!info.namespaced || !info.verbs.includes('list') || !info.verbs.includes('delete')) continue;
      const { items } = await registry.list(info, { namespace: name });
      const resource = info.group ? `${info.resource}.${info.group}` : info.resource;
      for (const item of items) {
        let current: KubeObject | undefined = item;
        if (!item.metadata.deletionTimestamp) {
          try {
            const outcome = await registry.deleteWithOutcome(info, name, item.metadata.name ?? '', {
              propagationPolicy: 'Background',
            });
            current = outcome.removed ? undefined : outcome.object;
          } catch (error) {
            if (!(error instanceof StatusError && error.code === 404)) throw error;
            current = undefined;
          }
        }
        if (!current) continue;
        remaining[resource] = (remaining[resource] ?? 0) + 1;
        for (const finalizer of current.metadata.finalizers ?? [])
          finalizers[finalizer] = (finalizers[finalizer] ?? 0) + 1;
      }
    }
    await writeConditions(
      namespaces.get(undefined, name) ?? namespace,
      deletionConditions(remaining, finalizers),
    );
    if (Object.keys(remaining).length > 0) {
      queue.addAfter(name, recheckMs);
      return;
    }
    const latest = namespaces.get(undefined, name) ?? namespace;
    const specFinalizers: string[] = (latest.spec?.finalizers ?? []).filter(
      (f: string) => f !== 'kubernetes',
    );
    const body: KubeObject = { ...latest, spec: { ...latest.spec, finalizers: specFinalizers } };
    await registry.invokeSubresource({
      verb: 'update',
      ref: resources.namespaces,
      namespace: undefined,
      name,
      subresource: 'finalize',
      body,
      dryRun: false,
    });
    seenTerminating.delete(name);
  };

  const queue = new WorkQueue('namespace', reconcile, clock, context.log);
  const subscriptions = [
    namespaces.on((type, namespace) => {
      if (type === 'DELETED') seenTerminating.delete(namespace.metadata.name ?? '');
      else if (namespace.metadata.deletionTimestamp) queue.add(namespace.metadata.name ?? '');
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
