/**
 * kube-apiserver's APIService priorities (its aggregator's default priority table): groups are listed by
 * `groupPriorityMinimum` (highest first, ties by name) and versions inside a group by `versionPriority` (highest
 * first, which makes the first the preferred one). Groups a CustomResourceDefinition adds get 1000 and 100.
 */
const GROUP_PRIORITY: Readonly<Record<string, number>> = {
  '': 18000,
  'apiregistration.k8s.io': 18000,
  apps: 17800,
  'events.k8s.io': 17750,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'admissionregistration.k8s.io': 16700,
  'apiextensions.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
};

const VERSION_PRIORITY: Readonly<Record<string, number>> = {
  '/v1': 1,
  'autoscaling/v2': 30,
  'flowcontrol.apiserver.k8s.io/v1': 21,
  'flowcontrol.apiserver.k8s.io/v1beta3': 18,
};

export const CUSTOM_GROUP_PRIORITY = 1000;
export const CUSTOM_VERSION_PRIORITY = 100;

export interface ApiServicePriority {
  groupPriorityMinimum: number;
  versionPriority: number;
  /** Built in (synced once at start) rather than added by a CustomResourceDefinition. */
  builtin: boolean;
}

export function apiServicePriority(group: string, version: string): ApiServicePriority {
  const groupPriority = GROUP_PRIORITY[group];
  if (groupPriority === undefined) {
    return {
      groupPriorityMinimum: CUSTOM_GROUP_PRIORITY,
      versionPriority: CUSTOM_VERSION_PRIORITY,
      builtin: false,
    };
  }
  return {
    groupPriorityMinimum: groupPriority,
    versionPriority: VERSION_PRIORITY[`${group}/${version}`] ?? 15,
    builtin: true,
  };
}

/** The order discovery lists group-versions in (a stable sort: equal custom versions keep the catalog's order). */
export function compareGroupVersions(
  a: { group: string; version: string },
  b: { group: string; version: string },
): number {
  const pa = apiServicePriority(a.group, a.version);
  const pb = apiServicePriority(b.group, b.version);
  if (a.group !== b.group) {
    return (
      pb.groupPriorityMinimum - pa.groupPriorityMinimum ||
      (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)
    );
  }
  return pb.versionPriority - pa.versionPriority;
}

/** The APIService name of a group-version: `v1.` for the core group, `v1.apps`, … */
export function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}
