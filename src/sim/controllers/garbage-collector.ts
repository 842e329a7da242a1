import { type KubeObject, type OwnerReference, type ResourceInfo, StatusError } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import type { Informer } from './informer.js';
import { WorkQueue } from './work-queue.js';

interface Entry {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
  owners: string[];
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/**
 * What kube-controller-manager's collector never monitors (garbagecollector.DefaultIgnoredResources): Events
 * in both groups. Caching them would cost more than every other resource together.
 */
const IGNORED_RESOURCES = new Set(['/events', 'events.k8s.io/events']);

function isNotFound(error: unknown): boolean {
  return error instanceof StatusError && error.code === 404;
}

/**
 * The garbage collector: a dependent whose owners are all gone is deleted (in the background); dangling
 * references next to a living owner are dropped. Owners deleted with `propagationPolicy: Orphan` have their
 * dependents' references removed before the `orphan` finalizer goes; `Foreground` deletes the dependents
 * first and then removes the `foregroundDeletion` finalizer. Owner absence is confirmed with a live read,
 * as the real collector does, so a lagging cache never deletes a healthy object.
 */
export function startGarbageCollector(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const entries = new Map<string, Entry>();
  const dependents = new Map<string, Set<string>>();
  const watched = new Map<string, Informer>();
  const subscriptions: Array<() => void> = [];

  const objectOf = (entry: Entry): KubeObject | undefined => {
    return watched.get(`${entry.info.group}/${entry.info.resource}`)?.get(entry.namespace, entry.name);
  };

  const track = (info: ResourceInfo, object: KubeObject) => {
    const uid = object.metadata.uid ?? '';
    const owners = (object.metadata.ownerReferences ?? []).map((ref) => ref.uid);
    const previous = entries.get(uid);
    for (const owner of previous?.owners ?? []) dependents.get(owner)?.delete(uid);
    entries.set(uid, {
      info,
      namespace: object.metadata.namespace,
      name: object.metadata.name ?? '',
      owners,
    });
    for (const owner of owners) {
      const set = dependents.get(owner) ?? new Set<string>();
      dependents.set(owner, set);
      set.add(uid);
    }
  };

  const untrack = (uid: string) => {
    const previous = entries.get(uid);
    for (const owner of previous?.owners ?? []) dependents.get(owner)?.delete(uid);
    entries.delete(uid);
  };

  /** Whether the owner a reference names still exists with that uid (a live read, not the cache). */
  const ownerExists = async (ref: OwnerReference, dependent: Entry): Promise<boolean> => {
    const info = registry.catalog.find((r) => r.kind === ref.kind && r.group === groupOf(ref.apiVersion));
    if (!info) return false;
    try {
      const owner = await registry.get(info, info.namespaced ? dependent.namespace : undefined, ref.name);
      return owner.metadata.uid === ref.uid;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  };

  const deleteObject = async (entry: Entry, uid: string, propagationPolicy: 'Background' | 'Foreground') => {
    try {
      await registry.delete(entry.info, entry.namespace, entry.name, {
        propagationPolicy,
        preconditions: { uid },
      });
    } catch (error) {
      if (!isNotFound(error) && !(error instanceof StatusError && error.code === 409)) throw error;
    }
  };

  const removeOwnerReferences = async (entry: Entry, object: KubeObject, drop: Set<string>) => {
    const kept = (object.metadata.ownerReferences ?? []).filter((ref) => !drop.has(ref.uid));
    await registry.patch(entry.info, entry.namespace, entry.name, 'merge', {
      metadata: {
        resourceVersion: object.metadata.resourceVersion,
        ownerReferences: kept.length > 0 ? kept : null,
      },
    });
  };

  const reconcileDependent = async (uid: string) => {
    const entry = entries.get(uid);
    const object = entry && objectOf(entry);
    if (!entry || !object || object.metadata.uid !== uid) return;
    const refs = object.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const dangling = new Set<string>();
    let solid = 0;
    let foreground = false;
    for (const ref of refs) {
      const cached = entries.get(ref.uid);
      const owner = cached && objectOf(cached);
      if (owner && owner.metadata.uid === ref.uid) {
        if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes('foregroundDeletion')) {
          foreground = true;
          continue;
        }
        if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes('orphan')) {
          solid++; // the owner's own reconcile removes this reference
          continue;
        }
        solid++;
        continue;
      }
      if (await ownerExists(ref, entry)) solid++;
      else dangling.add(ref.uid);
    }
    if (solid === 0) {
      if (!object.metadata.deletionTimestamp)
        await deleteObject(entry, uid, foreground ? 'Foreground' : 'Background');
      return;
    }
    if (dangling.size > 0) await removeOwnerReferences(entry, object, dangling);
  };

  /** An owner being deleted with the orphan or foreground finalizer. */
  const reconcileOwner = async (uid: string) => {
    const entry = entries.get(uid);
    const owner = entry && objectOf(entry);
    if (!entry || !owner?.metadata.deletionTimestamp) return;
    const finalizers = owner.metadata.finalizers ?? [];
    const children = [...(dependents.get(uid) ?? [])]
      .map((child) => ({ child, entry: entries.get(child) }))
      .filter((c): c is { child: string; entry: Entry } => c.entry !== undefined);
    let finalizer: string | undefined;
    if (finalizers.includes('orphan')) {
      for (const { entry: childEntry } of children) {
        const child = objectOf(childEntry);
        if (child) await removeOwnerReferences(childEntry, child, new Set([uid]));
      }
      finalizer = 'orphan';
    } else if (finalizers.includes('foregroundDeletion')) {
      const blocking = children.filter(({ entry: childEntry }) => {
        const child = objectOf(childEntry);
        return child?.metadata.ownerReferences?.some(
          (ref) => ref.uid === uid && ref.blockOwnerDeletion === true,
        );
      });
      if (blocking.length > 0) {
        for (const { child, entry: childEntry } of blocking) {
          if (!objectOf(childEntry)?.metadata.deletionTimestamp)
            await deleteObject(childEntry, child, 'Foreground');
        }
        return; // comes back when the last dependent is gone
      }
      finalizer = 'foregroundDeletion';
    }
    if (!finalizer) return;
    const remaining = finalizers.filter((f) => f !== finalizer);
    await registry.patch(entry.info, entry.namespace, entry.name, 'merge', {
      metadata: {
        resourceVersion: owner.metadata.resourceVersion,
        finalizers: remaining.length > 0 ? remaining : null,
      },
    });
  };

  const queue = new WorkQueue(
    'garbage-collector',
    async (key) => {
      if (key.startsWith('owner:')) await reconcileOwner(key.slice('owner:'.length));
      else await reconcileDependent(key.slice('dependent:'.length));
    },
    clock,
    context.log,
  );

  const onEvent = (info: ResourceInfo) => (type: string, object: KubeObject) => {
    const uid = object.metadata.uid ?? '';
    if (type === 'DELETED') {
      const orphans = [...(dependents.get(uid) ?? [])];
      untrack(uid);
      for (const child of orphans) queue.add(`dependent:${child}`);
      // A dependent going may unblock a foreground deletion.
      for (const ref of object.metadata.ownerReferences ?? []) queue.add(`owner:${ref.uid}`);
      return;
    }
    track(info, object);
    if (object.metadata.ownerReferences?.length) queue.add(`dependent:${uid}`);
    const finalizers = object.metadata.finalizers ?? [];
    if (
      object.metadata.deletionTimestamp &&
      (finalizers.includes('orphan') || finalizers.includes('foregroundDeletion'))
    ) {
      queue.add(`owner:${uid}`);
    }
  };

  const watchCatalog = async () => {
    const added: Informer[] = [];
    for (const info of registry.catalog) {
      const key = `${info.group}/${info.resource}`;
      if (watched.has(key) || IGNORED_RESOURCES.has(key)) continue;
      if (!info.verbs.includes('watch') || !info.verbs.includes('list')) continue;
      const informer = informers.for(info);
      watched.set(key, informer);
      subscriptions.push(informer.on(onEvent(info)));
      added.push(informer);
    }
    await informers.start();
    for (const informer of added) {
      const info = registry.resolve(informer.ref);
      for (const object of informer.list()) onEvent(info)('ADDED', object);
    }
  };

  return {
    name: 'garbage-collector',
    start() {
      watchCatalog().catch((error: unknown) =>
        context.log.warn({ error: String(error) }, 'garbage collector could not watch'),
      );
      subscriptions.push(
        registry.onCatalogChange(() => {
          watchCatalog().catch((error: unknown) =>
            context.log.warn({ error: String(error) }, 'garbage collector could not watch'),
          );
        }),
      );
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
