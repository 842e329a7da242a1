import type { KubeObject, PrinterColumn, ResourceInfo, ResourceRef } from '../types.js';
import { BUILTIN_RESOURCES } from './builtin-resources.js';

/** A group-version as discovery lists it, with the resources it serves. */
export interface GroupVersionResources {
  group: string;
  version: string;
  resources: ResourceInfo[];
}

const GROUP_ORDER = [
  '',
  'apps',
  'batch',
  'policy',
  'autoscaling',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'coordination.k8s.io',
  'networking.k8s.io',
  'scheduling.k8s.io',
  'discovery.k8s.io',
  'apiextensions.k8s.io',
];

/**
 * The resources served right now: the built-ins plus whatever established CustomResourceDefinitions add.
 * Lookups are by group + plural, the way URLs name resources.
 */
export class ResourceCatalog {
  private readonly byRef = new Map<string, ResourceInfo>();
  private custom = new Map<string, ResourceInfo>();
  private snapshot: ResourceInfo[] = [];

  constructor(builtins: ReadonlyArray<ResourceInfo> = BUILTIN_RESOURCES) {
    for (const info of builtins) this.byRef.set(refKey(info), info);
    this.rebuild();
  }

  get all(): ReadonlyArray<ResourceInfo> {
    return this.snapshot;
  }

  find(ref: ResourceRef): ResourceInfo | undefined {
    const key = refKey(ref);
    return this.byRef.get(key) ?? this.custom.get(key);
  }

  /** Resources served at `group/version` (a custom resource may be served at several versions). */
  inGroupVersion(group: string, version: string): ResourceInfo[] {
    return this.snapshot.filter(
      (info) =>
        info.group === group && (info.version === version || (info.otherVersions ?? []).includes(version)),
    );
  }

  groupVersions(): GroupVersionResources[] {
    const map = new Map<string, GroupVersionResources>();
    for (const info of this.snapshot) {
      for (const version of [info.version, ...(info.otherVersions ?? [])]) {
        const key = `${info.group}/${version}`;
        let entry = map.get(key);
        if (!entry) {
          entry = { group: info.group, version, resources: [] };
          map.set(key, entry);
        }
        entry.resources.push(info);
      }
    }
    const rank = (group: string) => {
      const index = GROUP_ORDER.indexOf(group);
      return index === -1 ? GROUP_ORDER.length : index;
    };
    return [...map.values()].sort((a, b) => rank(a.group) - rank(b.group) || a.group.localeCompare(b.group));
  }

  /** Serves the resource a CRD defines; returns whether the catalog changed. */
  defineCustomResource(crd: KubeObject): ResourceInfo | undefined {
    const info = customResourceInfo(crd);
    if (!info) return undefined;
    this.custom.set(refKey(info), info);
    this.rebuild();
    return info;
  }

  removeCustomResource(ref: ResourceRef): boolean {
    const removed = this.custom.delete(refKey(ref));
    if (removed) this.rebuild();
    return removed;
  }

  private rebuild(): void {
    this.custom = new Map(this.custom);
    this.snapshot = [...this.byRef.values(), ...this.custom.values()];
  }
}

function refKey(ref: ResourceRef): string {
  return `${ref.group}/${ref.resource}`;
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  subresources?: { status?: unknown; scale?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
  schema?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
}

/** The catalog entry of a CRD's resource, or undefined when the CRD is too incomplete to serve. */
export function customResourceInfo(crd: KubeObject): ResourceInfo | undefined {
  const spec: unknown = crd.spec;
  if (!isRecord(spec) || typeof spec.group !== 'string' || !isRecord(spec.names)) return undefined;
  const names = spec.names;
  if (typeof names.plural !== 'string' || typeof names.kind !== 'string') return undefined;
  const versions: CrdVersion[] = (Array.isArray(spec.versions) ? spec.versions : [])
    .filter(isRecord)
    .filter((v): v is Record<string, unknown> & { name: string } => typeof v.name === 'string')
    .map((v) => ({
      name: v.name,
      served: v.served !== false,
      storage: v.storage === true,
      subresources: isRecord(v.subresources) ? v.subresources : undefined,
      schema: isRecord(v.schema) ? v.schema.openAPIV3Schema : undefined,
      additionalPrinterColumns: Array.isArray(v.additionalPrinterColumns)
        ? v.additionalPrinterColumns.filter(
            (c): c is PrinterColumn =>
              isRecord(c) && typeof c.name === 'string' && typeof c.jsonPath === 'string',
          )
        : undefined,
    }));
  const served = versions.filter((v) => v.served);
  const preferred = served.find((v) => v.storage) ?? served[0];
  if (!preferred) return undefined;
  const subresources: string[] = [];
  if (preferred.subresources?.status !== undefined) subresources.push('status');
  if (preferred.subresources?.scale !== undefined) subresources.push('scale');
  return {
    group: spec.group,
    version: preferred.name,
    otherVersions: served.filter((v) => v !== preferred).map((v) => v.name),
    resource: names.plural,
    singular: typeof names.singular === 'string' ? names.singular : names.kind.toLowerCase(),
    kind: names.kind,
    namespaced: spec.scope !== 'Cluster',
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    shortNames: stringList(names.shortNames),
    categories: stringList(names.categories),
    subresources,
    tracksGeneration: true,
    custom: true,
    printerColumns: preferred.additionalPrinterColumns,
    schemas: Object.fromEntries(
      served.filter((v) => isRecord(v.schema)).map((v) => [v.name, v.schema] as const),
    ),
  };
}
