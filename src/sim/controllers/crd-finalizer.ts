import { rfc3339 } from '../registry/rfc3339.js';
import { CRD_CLEANUP_FINALIZER } from '../registry/sim-registry.js';
import { type KubeObject, type ResourceInfo, type ResourceRef, StatusError } from '../types.js';
import { type Condition, withCondition } from './conditions.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { WorkQueue } from './work-queue.js';

const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };

/** How often a deleted CRD whose custom objects are still finalizing is checked again (simulated time). */
const recheckMs = 5000;

/**
 * The apiextensions finalizer controller: a deleted CustomResourceDefinition (Terminating=True, cleanup
 * finalizer) has each of its custom objects deleted like a client would (their own finalizers honoured), stays
 * Terminating while any remain, and loses its finalizer, and so goes, once none is left.
 */
export function startCrdFinalizer(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const crds = informers.for(CRDS);

  const setTerminating = async (crd: KubeObject, condition: Omit<Condition, 'type'>): Promise<KubeObject> => {
    const conditions = withCondition(
      crd.status?.conditions,
      { type: 'Terminating', ...condition },
      rfc3339(clock.now()),
    );
    if (!conditions) return crd;
    const updated = await registry.update(
      CRDS,
      undefined,
      { ...crd, status: { ...crd.status, conditions } },
      { subresource: 'status' },
    );
    crds.observe(updated);
    return updated;
  };

  const servedResource = (crd: KubeObject): ResourceInfo | undefined =>
    registry.catalog.find(
      (info) => info.custom && info.group === crd.spec?.group && info.resource === crd.spec?.names?.plural,
    );

  const reconcile = async (name: string) => {
    let crd = crds.get(undefined, name);
    if (!crd?.metadata.deletionTimestamp) return;
    if (!(crd.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER)) return;
    const info = servedResource(crd);
    if (info) {
      crd = await setTerminating(crd, {
        status: 'True',
        reason: 'InstanceDeletionInProgress',
        message: 'CustomResource deletion is in progress',
      });
      const { items } = await registry.list(info);
      let remaining = 0;
      for (const item of items) {
        try {
          const outcome = await registry.deleteWithOutcome(
            info,
            item.metadata.namespace,
            item.metadata.name ?? '',
            {
              propagationPolicy: 'Background',
            },
          );
          if (!outcome.removed) remaining++;
        } catch (error) {
          if (!(error instanceof StatusError && error.code === 404)) throw error;
        }
      }
      if (remaining > 0) {
        await setTerminating(crd, {
          status: 'True',
          reason: 'InstanceDeletionCheck',
          message: `could not confirm zero CustomResources remaining: ${remaining} still being finalized`,
        });
        queue.addAfter(name, recheckMs);
        return;
      }
      crd = await setTerminating(crd, {
        status: 'False',
        reason: 'InstanceDeletionCompleted',
        message: 'removed all instances',
      });
    }
    const finalizers = (crd.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
    try {
      await registry.update(CRDS, undefined, { ...crd, metadata: { ...crd.metadata, finalizers } });
    } catch (error) {
      if (error instanceof StatusError && error.code === 404) return;
      if (error instanceof StatusError && error.code === 409) {
        queue.add(name);
        return;
      }
      throw error;
    }
  };

  const queue = new WorkQueue('crd-finalizer', reconcile, clock, context.log);
  const subscriptions = [
    crds.on((type, crd) => {
      if (type !== 'DELETED' && crd.metadata.deletionTimestamp) queue.add(crd.metadata.name ?? '');
    }),
  ];

  return {
    name: 'crd-finalizer',
    start() {
      for (const crd of crds.list()) if (crd.metadata.deletionTimestamp) queue.add(crd.metadata.name ?? '');
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
