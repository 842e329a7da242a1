import type { KubeObject, Registry, ResourceRef } from '../types.js';
import type { Informer } from './informer.js';

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Writes `status` through the status subresource when it differs from what the object has, with the cached
 * resourceVersion (a stale cache gives 409 and the work queue retries), and records the result in the cache.
 */
export async function writeStatus(
  registry: Registry,
  ref: ResourceRef,
  cache: Informer,
  object: KubeObject,
  status: Record<string, unknown>,
): Promise<KubeObject> {
  const merged = { ...(object.status ?? {}), ...status };
  if (sameJson(merged, object.status)) return object;
  const updated = await registry.update(
    ref,
    object.metadata.namespace,
    { ...object, status: merged },
    { subresource: 'status' },
  );
  cache.observe(updated);
  return updated;
}
