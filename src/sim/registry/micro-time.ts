import type { KubeObject, ResourceInfo } from '../types.js';
import { badRequest } from './status-errors.js';

/** metav1.MicroTime's layout: the API server parses these fields with exactly six fractional digits. */
const LAYOUT = '2006-01-02T15:04:05.000000Z07:00';
const SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

/** The MicroTime fields of the kinds that have them (dotted paths into the object). */
const MICRO_TIME_FIELDS: ReadonlyArray<{ group: string; resource: string; fields: string[] }> = [
  { group: 'coordination.k8s.io', resource: 'leases', fields: ['spec.acquireTime', 'spec.renewTime'] },
  { group: 'events.k8s.io', resource: 'events', fields: ['eventTime', 'series.lastObservedTime'] },
  { group: '', resource: 'events', fields: ['eventTime', 'series.lastObservedTime'] },
];

/** Go's time.Parse complaint for `value` against the layout, or undefined when it parses. */
function parseError(value: string): string | undefined {
  const seconds = SECONDS.exec(value);
  if (!seconds) return `cannot parse "${value}" as "2006"`;
  const rest = value.slice(seconds[0].length);
  const fraction = /^\.(\d*)/.exec(rest)?.[1] ?? '';
  if (fraction.length < 6) return `cannot parse "${rest}" as ".000000"`;
  const zone = rest.slice(7);
  if (!/^(Z|[+-]\d\d:\d\d)$/.test(zone)) return `cannot parse "${zone}" as "Z07:00"`;
  return undefined;
}

function at(object: KubeObject, path: string): unknown {
  let node: unknown = object;
  for (const part of path.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * Decodes a body's MicroTime fields as the API server does, before any validation: a timestamp with other than
 * six fractional digits (JavaScript's `toISOString()` writes three) is a 400, and nothing is stored.
 */
export function decodeMicroTimes(info: ResourceInfo, object: KubeObject): void {
  const kind = MICRO_TIME_FIELDS.find((k) => k.group === info.group && k.resource === info.resource);
  for (const field of kind?.fields ?? []) {
    const value = at(object, field);
    if (value === undefined || value === null) continue;
    const why =
      typeof value === 'string' ? parseError(value) : `cannot unmarshal ${typeof value} into MicroTime`;
    if (why === undefined) continue;
    throw badRequest(
      `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: parsing time ${JSON.stringify(value)} as "${LAYOUT}": ${why}`,
    );
  }
}
