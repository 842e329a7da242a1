import type { KubeObject, ResourceRef } from '../types.js';

/**
 * events.k8s.io/v1 Events are core Events in storage (kube-apiserver keeps one `events` store and serves it under
 * both groups). The conversion follows kubernetes' pkg/apis/events/v1/conversion.go: `note`↔`message`,
 * `regarding`↔`involvedObject`, `deprecatedSource`↔`source`, `deprecatedFirstTimestamp`/`deprecatedLastTimestamp`/
 * `deprecatedCount`↔`firstTimestamp`/`lastTimestamp`/`count`, and
 * `reportingController`↔`reportingComponent` (one internal field, named differently in the two JSON forms); every other field has the same name in both.
 */

/** Pairs of (events.k8s.io/v1 field, core/v1 field) that are renamed by the conversion. */
const RENAMED: ReadonlyArray<readonly [string, string]> = [
  ['note', 'message'],
  ['regarding', 'involvedObject'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  // The internal field ReportingController is `reportingComponent` in core/v1's JSON.
  ['reportingController', 'reportingComponent'],
];

function rename(object: KubeObject, from: number, to: number, apiVersion: string): KubeObject {
  const out: Record<string, unknown> = { ...object, apiVersion };
  for (const pair of RENAMED) {
    const source = pair[from] as string;
    const target = pair[to] as string;
    delete out[target];
    if (source in object) {
      const value = (object as Record<string, unknown>)[source];
      delete out[source];
      if (value !== undefined && value !== null && !isEmptySource(target, value)) out[target] = value;
    }
  }
  return out as KubeObject;
}

/** An empty `source: {}` converts to an omitted `deprecatedSource` (omitempty), as Go's JSON encoder writes it. */
function isEmptySource(field: string, value: unknown): boolean {
  return (
    (field === 'deprecatedSource' || field === 'source') &&
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length === 0
  );
}

/** events.k8s.io/v1 → the stored core/v1 form. */
export function eventToCore(object: KubeObject): KubeObject {
  return rename(object, 0, 1, 'v1');
}

/** Stored core/v1 → events.k8s.io/v1. */
export function eventFromCore(object: KubeObject): KubeObject {
  const converted = rename(object, 1, 0, 'events.k8s.io/v1');
  // core's `count: 0` and unset timestamps are zero values Go omits in events.k8s.io/v1.
  const record = converted as Record<string, unknown>;
  if (record.deprecatedCount === 0) delete record.deprecatedCount;
  return converted;
}

/** A resource served as another's view: where its objects are stored and how they convert. */
export interface StorageView {
  storedAs: ResourceRef;
  toStorage(object: KubeObject): KubeObject;
  fromStorage(object: KubeObject): KubeObject;
}

/** Resources whose objects live in another resource's store, by `group/resource`. */
export const STORAGE_VIEWS: Readonly<Record<string, StorageView>> = {
  'events.k8s.io/events': {
    storedAs: { group: '', resource: 'events' },
    toStorage: eventToCore,
    fromStorage: eventFromCore,
  },
};

export function storageViewOf(ref: ResourceRef): StorageView | undefined {
  return STORAGE_VIEWS[`${ref.group}/${ref.resource}`];
}
