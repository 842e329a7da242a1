import { subresourceMeta } from '../catalog/builtin-resources.js';
import type { ResourceInfo } from '../types.js';
import { parseMediaRanges } from './media-type.js';

/** The Content-Type that tells client-go the body is aggregated discovery (`ContentTypeIsGVK`). */
export const AGGREGATED_DISCOVERY_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the client asked for apidiscovery.k8s.io/v2 before anything else it can take. */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  for (const range of parseMediaRanges(accept)) {
    const { as, g, v } = range.params;
    if (range.type === 'application/json' && as === 'APIGroupDiscoveryList' && g === 'apidiscovery.k8s.io') {
      if (v === 'v2') return true;
      continue;
    }
    return false;
  }
  return false;
}

interface GroupVersion {
  group: string;
  version: string;
  resources: ResourceInfo[];
}

function discoveryResource(info: ResourceInfo, version: string): unknown {
  const subresources = (info.subresources ?? []).flatMap((subresource) => {
    const meta = subresourceMeta(info, subresource);
    if (!meta) return [];
    return [
      {
        subresource,
        responseKind: meta.version
          ? { group: meta.group, version: meta.version, kind: meta.kind ?? info.kind }
          : { group: info.group, version, kind: meta.kind ?? info.kind },
        verbs: meta.verbs,
      },
    ];
  });
  return {
    resource: info.resource,
    responseKind: { group: info.group, version, kind: info.kind },
    scope: info.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: info.singular,
    verbs: info.verbs,
    ...(info.shortNames?.length ? { shortNames: info.shortNames } : {}),
    ...(info.categories?.length ? { categories: info.categories } : {}),
    ...(subresources.length ? { subresources } : {}),
  };
}

/**
 * `APIGroupDiscoveryList` (apidiscovery.k8s.io/v2) for `/api` (`core: true`, one item named "") or `/apis`:
 * every group with its versions, preferred first, and their resources embedded.
 */
export function aggregatedDiscovery(groupVersions: GroupVersion[], core: boolean): unknown {
  const groups = new Map<string, GroupVersion[]>();
  for (const gv of groupVersions) {
    if ((gv.group === '') !== core) continue;
    const list = groups.get(gv.group) ?? [];
    list.push(gv);
    groups.set(gv.group, list);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...groups.entries()].map(([name, versions]) => ({
      metadata: { name, creationTimestamp: null },
      versions: versions.map((gv) => ({
        version: gv.version,
        resources: gv.resources.map((info) => discoveryResource(info, gv.version)),
        freshness: 'Current',
      })),
    })),
  };
}
