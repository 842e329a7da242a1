import { type KubeObject, StatusError } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { isTerminating } from './pods.js';
import { resources } from './resources.js';
import { WorkQueue } from './work-queue.js';

/**
 * An object every active namespace must hold, created by a controller as on a real cluster: re-created when
 * deleted, never in a Terminating namespace. `build` makes it for a namespace.
 */
export function startPerNamespaceController(
  context: ControllerContext,
  options: {
    name: string;
    ref: { group: string; resource: string };
    objectName: string;
    build: (namespace: string) => KubeObject;
  },
): Controller {
  const { registry, clock, informers } = context;
  const namespaces = informers.for(resources.namespaces);
  const owned = informers.for(options.ref);

  const reconcile = async (namespace: string) => {
    const ns = namespaces.get(undefined, namespace);
    if (!ns || isTerminating(ns) || ns.status?.phase === 'Terminating') return;
    if (owned.get(namespace, options.objectName)) return;
    try {
      owned.observe(await registry.create(options.ref, namespace, options.build(namespace)));
    } catch (error) {
      // Already there (the cache is behind) or the namespace went away meanwhile: nothing to do.
      if (error instanceof StatusError && (error.code === 409 || error.code === 403 || error.code === 404))
        return;
      throw error;
    }
  };

  const queue = new WorkQueue(options.name, reconcile, clock, context.log);
  const subscriptions = [
    namespaces.on((type, ns) => {
      if (type !== 'DELETED') queue.add(ns.metadata.name ?? '');
    }),
    owned.on((type, object) => {
      if (type === 'DELETED' && object.metadata.name === options.objectName)
        queue.add(object.metadata.namespace ?? '');
    }),
  ];
  return {
    name: options.name,
    start() {
      for (const ns of namespaces.list()) queue.add(ns.metadata.name ?? '');
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}

/** The `default` ServiceAccount of a namespace, as the service-account controller creates it. */
export function defaultServiceAccount(namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } };
}

/** The ServiceAccount controller (pkg/controller/serviceaccount): `default` in every active namespace. */
export function startServiceAccountController(context: ControllerContext): Controller {
  return startPerNamespaceController(context, {
    name: 'serviceaccount',
    ref: resources.serviceAccounts,
    objectName: 'default',
    build: defaultServiceAccount,
  });
}
