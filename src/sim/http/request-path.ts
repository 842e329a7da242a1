/** What a URL path under /api or /apis names. */
export type ApiPath =
  | { type: 'core-versions' }
  | { type: 'group-list' }
  | { type: 'group'; group: string }
  | { type: 'resource-list'; group: string; version: string }
  | {
      type: 'resource';
      group: string;
      version: string;
      namespace?: string;
      resource: string;
      name?: string;
      subresource?: string;
    }
  | { type: 'unknown' };

/**
 * Splits `/api/v1/namespaces/ns/pods/p/status` and friends. `isNamespaced(group, version, resource)` decides
 * whether `namespaces/<x>/<y>` means "resource y in namespace x" or "subresource y of namespace x".
 */
export function parseApiPath(
  pathname: string,
  isNamespaced: (group: string, version: string, resource: string) => boolean,
): ApiPath {
  let segments: string[];
  try {
    segments = pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map(decodeURIComponent);
  } catch {
    // A malformed %-escape names nothing we serve.
    return { type: 'unknown' };
  }
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length === 1) return { type: 'core-versions' };
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { type: 'group-list' };
    group = segments[1] ?? '';
    if (segments.length === 2) return { type: 'group', group };
    version = segments[2];
    rest = segments.slice(3);
  } else {
    return { type: 'unknown' };
  }
  if (!version) return { type: 'unknown' };
  if (rest.length === 0) return { type: 'resource-list', group, version };
  if (rest[0] === 'namespaces' && rest.length >= 3 && isNamespaced(group, version, rest[2] ?? '')) {
    if (rest.length > 5) return { type: 'unknown' };
    return {
      type: 'resource',
      group,
      version,
      namespace: rest[1],
      resource: rest[2] ?? '',
      name: rest[3],
      subresource: rest[4],
    };
  }
  if (rest.length > 3) return { type: 'unknown' };
  return { type: 'resource', group, version, resource: rest[0] ?? '', name: rest[1], subresource: rest[2] };
}
