import type { KubeObject } from '../../types.js';

/** One column of a meta.k8s.io/v1 Table. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type Cell = string | number | boolean | null;

/** How one kind prints: its columns and the cells of one object's row. */
export interface KindPrinter {
  columns: ColumnDefinition[];
  cells(object: KubeObject, now: number): Cell[];
}

export function column(
  name: string,
  type: string,
  description: string,
  priority = 0,
  format = '',
): ColumnDefinition {
  return { name, type, format, description, priority };
}

export const NAME_COLUMN = column(
  'Name',
  'string',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  0,
  'name',
);

export const AGE_COLUMN = column(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** `k=v,k2=v2`, or `<none>`: labels.FormatLabels / metav1.FormatLabelSelector for matchLabels-only selectors. */
export function formatLabels(labels: unknown): string {
  const entries = Object.entries(record(labels)).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${String(v)}`).join(',');
}

export function formatSelector(selector: unknown): string {
  const value = record(selector);
  const parts: string[] = [];
  for (const [key, label] of Object.entries(record(value.matchLabels)).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    parts.push(`${key}=${String(label)}`);
  }
  for (const expression of list(value.matchExpressions)) {
    const e = record(expression);
    const key = str(e.key);
    const values = list(e.values).map(String).join(',');
    if (e.operator === 'In') parts.push(`${key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${key}`);
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}

/** Containers and Images cells of a pod template (wide output of workloads). */
export function templateContainers(
  object: KubeObject,
  path: 'template' | 'jobTemplate' = 'template',
): [string, string] {
  const spec = record(object.spec);
  let template = record(spec.template);
  if (path === 'jobTemplate') template = record(record(record(spec.jobTemplate).spec).template);
  const containers = list(record(template.spec).containers).map(record);
  return [containers.map((c) => str(c.name)).join(','), containers.map((c) => str(c.image)).join(',')];
}
