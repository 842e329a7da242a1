import { type KubeObject, type Registry, type ResourceRef, StatusError, type WatchHandle } from '../types.js';
import type { SimLog } from './sim-log.js';

export type InformerEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type InformerListener = (type: InformerEventType, object: KubeObject) => void;

/** `namespace/name` (or `name` for cluster-scoped objects): how caches and work queues key objects. */
export function objectKey(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash === -1
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

function revisionOf(object: KubeObject): number {
  const value = Number(object.metadata.resourceVersion);
  return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
}

/**
 * A list-then-watch cache of one resource through the Registry, like client-go's informer: it lists, watches
 * from the list's resourceVersion, and lists again when the watch ends (410 Expired included).
 *
 * Watch events arrive a microtask after a write, so a controller that just wrote something records the result
 * with `observe`/`observeRemoval`; resourceVersions keep an older event from undoing a newer write.
 */
export class Informer {
  private readonly objects = new Map<string, KubeObject>();
  /** Keys removed by `observeRemoval`, with the revision of the removal, until the watch catches up. */
  private readonly removed = new Map<string, number>();
  private readonly listeners = new Set<InformerListener>();
  private handle: WatchHandle | undefined;
  private stopped = false;
  private relistTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: Registry,
    readonly ref: ResourceRef,
    private readonly log: SimLog,
  ) {}

  async start(): Promise<void> {
    await this.listAndWatch();
  }

  stop(): void {
    this.stopped = true;
    if (this.relistTimer) clearTimeout(this.relistTimer);
    this.handle?.stop();
    this.listeners.clear();
  }

  on(listener: InformerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): IterableIterator<KubeObject> {
    return this.objects.values();
  }

  inNamespace(namespace: string | undefined): KubeObject[] {
    const items: KubeObject[] = [];
    for (const object of this.objects.values())
      if (object.metadata.namespace === namespace) items.push(object);
    return items;
  }

  get size(): number {
    return this.objects.size;
  }

  /** Records the result of our own create/update/graceful delete before its watch event arrives. */
  observe(object: KubeObject): void {
    this.accept(object, 'MODIFIED');
  }

  /** Records that our own delete removed the object (the returned object carries the removal's revision). */
  observeRemoval(object: KubeObject): void {
    const key = objectKey(object);
    const current = this.objects.get(key);
    if (current && revisionOf(current) > revisionOf(object)) return;
    this.removed.set(key, revisionOf(object));
    if (current) {
      this.objects.delete(key);
      this.emit('DELETED', current);
    }
  }

  /** Records what our own delete returned: still there and terminating (graceful), or gone. */
  observeDeletion(deleted: KubeObject): void {
    if (deleted.metadata.deletionTimestamp) this.observe(deleted);
    else this.observeRemoval(deleted);
  }

  private accept(object: KubeObject, type: InformerEventType): void {
    const key = objectKey(object);
    const revision = revisionOf(object);
    const tombstone = this.removed.get(key);
    if (tombstone !== undefined) {
      if (revision <= tombstone) return;
      this.removed.delete(key);
    }
    const current = this.objects.get(key);
    if (type === 'DELETED') {
      if (current && revisionOf(current) > revision) return;
      if (!current) return;
      this.objects.delete(key);
      this.emit('DELETED', object);
      return;
    }
    if (current && revisionOf(current) >= revision) return;
    this.objects.set(key, object);
    this.emit(current ? 'MODIFIED' : 'ADDED', object);
  }

  private emit(type: InformerEventType, object: KubeObject): void {
    for (const listener of this.listeners) listener(type, object);
  }

  private async listAndWatch(): Promise<void> {
    const listed = await this.registry.list(this.ref);
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const object of listed.items) {
      seen.add(objectKey(object));
      this.accept(object, 'MODIFIED');
    }
    for (const [key, object] of [...this.objects]) {
      if (!seen.has(key)) {
        this.objects.delete(key);
        this.emit('DELETED', object);
      }
    }
    this.removed.clear();
    this.handle = this.registry.watch(
      this.ref,
      { resourceVersion: listed.resourceVersion },
      (event) => this.accept(event.object, event.type),
      (error) => this.onWatchEnd(error),
    );
  }

  private onWatchEnd(error?: StatusError): void {
    if (this.stopped) return;
    if (error && !(error instanceof StatusError && error.code === 410)) {
      this.log.warn({ resource: this.ref.resource, error: error.message }, 'watch ended; listing again');
    }
    // A short pause so a registry that keeps failing does not spin.
    this.relistTimer = setTimeout(() => {
      this.listAndWatch().catch((cause: unknown) => {
        if (cause instanceof StatusError && cause.code === 404) {
          // The resource is no longer served (its CRD went away): nothing left to watch.
          this.stop();
          return;
        }
        this.log.warn({ resource: this.ref.resource, error: String(cause) }, 'list failed; retrying');
        this.onWatchEnd();
      });
    }, 10);
  }
}
