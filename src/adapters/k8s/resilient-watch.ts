import { type KubeConfig, Watch } from '@kubernetes/client-node';
import type { Subscription } from '../../ports/pod-watch.js';
import type { Clock } from '../../shared/clock.js';

interface Metadata {
  uid?: string;
  resourceVersion?: string;
}

interface WatchedObject {
  metadata?: Metadata;
}

export interface ResilientWatchOptions<T extends WatchedObject> {
  kubeConfig: KubeConfig;
  /** The collection's path, e.g. `/api/v1/pods`. */
  path: string;
  /** Selectors, applied to the list and the watch alike. */
  query: Record<string, string | undefined>;
  list(): Promise<{ items: T[]; resourceVersion: string }>;
  onUpsert(object: T): void;
  onDelete(object: T): void;
  clock: Clock;
  signal?: AbortSignal;
}

const uidOf = (object: WatchedObject) => object.metadata?.uid ?? '';

/**
 * List, then watch from the list's resourceVersion; when the stream ends, watch again from the last version
 * seen; when that version has expired (410), list again and report what vanished meanwhile as deleted. The
 * listener therefore always ends up with the cluster's current objects, whatever the connection did.
 */
export async function startResilientWatch<T extends WatchedObject>(
  options: ResilientWatchOptions<T>,
): Promise<Subscription> {
  const known = new Map<string, T>();
  const watch = new Watch(options.kubeConfig);
  let resourceVersion = '';
  let closed = false;
  let current: AbortController | undefined;
  const pause = new AbortController();
  const close = () => {
    if (closed) return;
    closed = true;
    pause.abort();
    current?.abort();
  };
  options.signal?.addEventListener('abort', close, { once: true });

  const relist = async () => {
    const { items, resourceVersion: listed } = await options.list();
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(uidOf(item));
      known.set(uidOf(item), item);
      options.onUpsert(item);
    }
    for (const [uid, object] of known) {
      if (seen.has(uid)) continue;
      known.delete(uid);
      options.onDelete(object);
    }
    resourceVersion = listed;
  };

  /** One watch request until the server ends it; says whether it ended in trouble or with 410 Expired. */
  const watchOnce = () =>
    new Promise<{ trouble: boolean; expired: boolean }>((resolve) => {
      let expired = false;
      const finish = (error: unknown) => resolve({ trouble: expired || Boolean(error), expired });
      watch
        .watch(
          options.path,
          { ...options.query, resourceVersion, allowWatchBookmarks: true },
          (phase: string, object: T & { code?: number }) => {
            if (phase === 'ERROR') {
              if (object.code === 410) expired = true;
              return;
            }
            const version = object.metadata?.resourceVersion;
            if (version) resourceVersion = version;
            if (phase === 'ADDED' || phase === 'MODIFIED') {
              known.set(uidOf(object), object);
              options.onUpsert(object);
            } else if (phase === 'DELETED') {
              known.delete(uidOf(object));
              options.onDelete(object);
            }
          },
          finish,
        )
        .then((controller) => {
          current = controller;
          if (closed) controller.abort();
        }, finish);
    });

  const follow = async () => {
    let failures = 0;
    let needsList = false;
    while (!closed) {
      if (needsList) {
        try {
          await relist();
          needsList = false;
        } catch {
          failures += 1;
        }
      }
      if (!needsList) {
        const ended = await watchOnce();
        if (closed) return;
        needsList = ended.expired;
        failures = ended.trouble ? failures + 1 : 0;
      }
      if (failures > 0) {
        try {
          await options.clock.sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)), pause.signal);
        } catch {
          return;
        }
      }
    }
  };

  await relist();
  void follow().catch(() => undefined);
  return { close };
}
