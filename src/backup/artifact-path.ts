import type { KubeObject, ServedResource } from '../ports/cluster-resources.js';

/** The folder of cluster-scoped objects: sorts before every namespace (lowercase), so `kubectl apply -R` meets them first. */
export const CLUSTER_SCOPE_DIR = '_cluster';
export const ALL_RESOURCES_FILE = 'all-resources.yaml';
export const CHECKSUMS_FILE = 'SHA256SUMS';
export const RESTORE_ORDER_FILE = 'restore-order.txt';
export const MANIFEST_FILE = 'manifest.json';

/** `configmaps`, `deployments.apps`: the resource and its group, so two groups' kinds of one name never collide. */
export function resourceKey(resource: Pick<ServedResource, 'resource' | 'group'>): string {
  return resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
}

/** `<namespace>/<resource>.<group>/<name>.yaml`, cluster-scoped under `_cluster/`. */
export function artifactPath(resource: ServedResource, object: KubeObject): string {
  const name = object.metadata?.name ?? '';
  const scope = resource.namespaced ? (object.metadata?.namespace ?? 'default') : CLUSTER_SCOPE_DIR;
  return `${scope}/${resourceKey(resource)}/${name}.yaml`;
}

/**
 * A path inside a backup, checked before any store touches it: relative, no `..`, no empty segment, only the
 * characters Kubernetes names and bosun's own files use. A manifest or listing naming anything else is corrupt.
 */
export function isSafeArtifactPath(path: string): boolean {
  if (path.length === 0 || path.length > 512 || path.startsWith('/')) return false;
  return path
    .split('/')
    .every(
      (segment) =>
        segment !== '' && segment !== '.' && segment !== '..' && /^[A-Za-z0-9._:@-]+$/.test(segment),
    );
}
