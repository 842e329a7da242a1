import { eventToCore } from '../../registry/event-conversion.js';
import type { KubeObject, PrinterColumn, ResourceInfo } from '../../types.js';
import {
  AGE_COLUMN,
  type Cell,
  type ColumnDefinition,
  column,
  type KindPrinter,
  NAME_COLUMN,
} from './column.js';
import {
  configMapPrinter,
  defaultPrinter,
  eventPrinter,
  leasePrinter,
  namespacePrinter,
  nodePrinter,
  podPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core-printers.js';
import { apiServicePrinter, componentStatusPrinter } from './discovery-printers.js';
import { ageOf } from './human-duration.js';
import { roleBindingPrinter, rolePrinter } from './rbac-printers.js';
import {
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
} from './storage-printers.js';
import {
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  podDisruptionBudgetPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './workload-printers.js';

const PRINTERS: Readonly<Record<string, KindPrinter>> = {
  '/nodes': nodePrinter,
  '/pods': podPrinter,
  '/namespaces': namespacePrinter,
  '/services': servicePrinter,
  '/configmaps': configMapPrinter,
  '/secrets': secretPrinter,
  '/serviceaccounts': serviceAccountPrinter,
  '/events': eventPrinter,
  // The API server prints events.k8s.io Events from the same internal object as core ones.
  'events.k8s.io/events': {
    columns: eventPrinter.columns,
    cells: (event, now) => eventPrinter.cells(eventToCore(event), now),
  },
  'apps/deployments': deploymentPrinter,
  'apps/replicasets': replicaSetPrinter,
  'apps/daemonsets': daemonSetPrinter,
  'apps/statefulsets': statefulSetPrinter,
  'batch/jobs': jobPrinter,
  'batch/cronjobs': cronJobPrinter,
  'policy/poddisruptionbudgets': podDisruptionBudgetPrinter,
  'coordination.k8s.io/leases': leasePrinter,
  '/componentstatuses': componentStatusPrinter,
  'apiregistration.k8s.io/apiservices': apiServicePrinter,
  '/persistentvolumes': persistentVolumePrinter,
  '/persistentvolumeclaims': persistentVolumeClaimPrinter,
  'storage.k8s.io/storageclasses': storageClassPrinter,
  'rbac.authorization.k8s.io/roles': rolePrinter,
  'rbac.authorization.k8s.io/clusterroles': rolePrinter,
  'rbac.authorization.k8s.io/rolebindings': roleBindingPrinter,
  'rbac.authorization.k8s.io/clusterrolebindings': roleBindingPrinter,
};

/** `includeObject` of the Table request: what each row's `object` carries. */
export type IncludeObject = 'None' | 'Object' | 'Metadata';

export interface TableOptions {
  includeObject: IncludeObject;
  /** Watch events after the first omit the column definitions (the real server's NoHeaders). */
  noHeaders?: boolean;
  listMetadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: Record<string, unknown>;
  columnDefinitions: ColumnDefinition[];
  rows: Array<{ cells: Cell[]; object?: unknown }>;
}

/** The metadata-only view of an object (PartialObjectMetadata). */
export function partialObjectMetadata(object: KubeObject): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

function printerFor(info: ResourceInfo): KindPrinter {
  if (info.custom) return customPrinter(info.printerColumns ?? []);
  return PRINTERS[`${info.group}/${info.resource}`] ?? defaultPrinter;
}

/** Renders objects as the server-side Table kubectl prints (`as=Table;g=meta.k8s.io;v=v1`). */
export function toTable(
  info: ResourceInfo,
  objects: KubeObject[],
  now: number,
  options: TableOptions,
): Table {
  const printer = printerFor(info);
  const rows = objects.map((object) => {
    const row: { cells: Cell[]; object?: unknown } = { cells: printer.cells(object, now) };
    if (options.includeObject === 'Metadata') row.object = partialObjectMetadata(object);
    else if (options.includeObject === 'Object') row.object = object;
    return row;
  });
  const metadata: Record<string, unknown> = {};
  const list = options.listMetadata;
  if (list?.resourceVersion) metadata.resourceVersion = list.resourceVersion;
  if (list?.continue) metadata.continue = list.continue;
  if (list?.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: options.noHeaders ? [] : printer.columns,
    rows,
  };
}

/** Custom resources print Name, their additionalPrinterColumns, and Age when none of those is a date. */
function customPrinter(columns: PrinterColumn[]): KindPrinter {
  const definitions: ColumnDefinition[] = [
    NAME_COLUMN,
    ...columns.map((c) => column(c.name, c.type, c.description ?? '', c.priority ?? 0, c.format ?? '')),
  ];
  const withAge = columns.length === 0;
  if (withAge) definitions.push(AGE_COLUMN);
  return {
    columns: definitions,
    cells(object, now) {
      const cells: Cell[] = [object.metadata.name ?? ''];
      for (const c of columns) {
        const value = evaluateJsonPath(object, c.jsonPath);
        if (c.type === 'date') cells.push(value === undefined ? '<unknown>' : ageOf(value, now));
        else if (value === undefined || value === null) cells.push(null);
        else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
          cells.push(value);
        else cells.push(JSON.stringify(value));
      }
      if (withAge) cells.push(ageOf(object.metadata.creationTimestamp, now));
      return cells;
    },
  };
}

/** The subset of JSONPath printer columns use: `.a.b`, `.a[0].b`. */
function evaluateJsonPath(object: unknown, path: string): unknown {
  const tokens = path
    .replace(/^\{?\.?/, '')
    .replace(/\}$/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((token) => token !== undefined && token !== '');
  let current: unknown = object;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)];
    else if (typeof current === 'object' && current !== null)
      current = (current as Record<string, unknown>)[token];
    else return undefined;
  }
  return current;
}
