import { subresourceMeta } from '../catalog/builtin-resources.js';
import type { ResourceInfo } from '../types.js';

interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

interface GroupVersion {
  group: string;
  version: string;
}

/** `GET /api`: the legacy APIVersions answer. */
export function coreVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry(name: string, versions: string[]): unknown {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** `GET /apis`: every named group with its versions, preferred first. */
export function groupList(groupVersions: GroupVersion[]): unknown {
  const byGroup = new Map<string, string[]>();
  for (const { group, version } of groupVersions) {
    if (group === '') continue;
    const versions = byGroup.get(group) ?? [];
    if (!versions.includes(version)) versions.push(version);
    byGroup.set(group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...byGroup.entries()].map(([name, versions]) => groupEntry(name, versions)),
  };
}

/** `GET /apis/<group>`. */
export function apiGroup(group: string, versions: string[]): unknown {
  return { kind: 'APIGroup', apiVersion: 'v1', ...(groupEntry(group, versions) as object) };
}

/**
 * `GET /api/v1` or `/apis/<g>/<v>`: resources and their subresources. Subresources answering another group's kind
 * (eviction → policy/v1 Eviction, scale → autoscaling/v1 Scale) carry that group and version, which drain checks.
 */
export function resourceList(group: string, version: string, resources: ResourceInfo[]): unknown {
  const entries: ApiResource[] = [];
  for (const info of resources) {
    const main: ApiResource = {
      name: info.resource,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
    };
    if (info.shortNames?.length) main.shortNames = info.shortNames;
    if (info.categories?.length) main.categories = info.categories;
    entries.push(main);
    for (const subresource of info.subresources ?? []) {
      const meta = subresourceMeta(info, subresource);
      if (!meta) continue;
      const entry: ApiResource = {
        name: `${info.resource}/${subresource}`,
        singularName: '',
        namespaced: info.namespaced,
        kind: meta.kind ?? info.kind,
        verbs: meta.verbs,
      };
      if (meta.version) {
        entry.group = meta.group;
        entry.version = meta.version;
      }
      entries.push(entry);
    }
  }
  const groupVersion = group ? `${group}/${version}` : version;
  return group
    ? { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: entries }
    : { kind: 'APIResourceList', groupVersion, resources: entries };
}
