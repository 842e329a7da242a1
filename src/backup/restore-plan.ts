import type { KubeObject, ServedResource } from '../ports/cluster-resources.js';
import { CLUSTER_SCOPE_DIR, resourceKey } from './artifact-path.js';
import { isControlled } from './clean-object.js';
import { matchesKind, NEVER_RESTORED, RESTORE_PRIORITIES } from './resource-order.js';

/** Every object a restore writes carries this label, its value the restore's id (`kubectl get all -l …` finds them). */
export const RESTORE_LABEL = 'bosun.dev/restore';
/** Whether the restore created the object or replaced one that was there: a resumed restore counts it right. */
export const RESTORE_ACTION_ANNOTATION = 'bosun.dev/restore-action';

const CRDS = 'customresourcedefinitions.apiextensions.k8s.io';
const NAMESPACES = 'namespaces';

/** One object file of a backup, parsed: `<namespace>/<resource>.<group>/<name>.yaml` (`_cluster/` when cluster-scoped). */
export interface BackupFile {
  path: string;
  object: KubeObject;
}

/** What a person asked to restore (`--namespace`, `--kinds`, `--to-namespace`, `--overwrite`). */
export interface RestoreFilters {
  namespaces: readonly string[];
  kinds: readonly string[];
  /** Restores the one namespace of `namespaces` into this one. */
  toNamespace?: string;
  overwrite: boolean;
}

/** What the target cluster holds of the kinds a restore writes (read before planning). */
export interface TargetState {
  /** The resources the cluster serves (discovery). */
  served: readonly ServedResource[];
  /** The objects there, by `objectKey`; `restoredBy` is the restore label's value, `restoredAs` its action. */
  existing: ReadonlyMap<string, { restoredBy?: string; restoredAs?: string }>;
}

export type SkipCode = 'owned' | 'never-restored' | 'system' | 'exists' | 'endpoints' | 'unserved';

/** One object of the plan, in the order it is written. */
export interface RestoreItem {
  /** The backup file it comes from; '' for a namespace the restore makes itself. */
  path: string;
  resource: ServedResource;
  /** `deployments.apps` */
  key: string;
  /** Where it goes (after `--to-namespace`); undefined when cluster-scoped. */
  namespace?: string;
  name: string;
  action: 'create' | 'replace' | 'skip';
  skip?: { code: SkipCode; reason: string };
  /** Already written by this very restore before its worker stopped: counted, not written again. */
  done?: 'created' | 'replaced';
  /** What is written: ownerReferences dropped, the namespace rewritten, the restore's label set. */
  object?: KubeObject;
  /** Its place in the restore order (RESTORE_PRIORITIES, then the rest): items of one rank may go in parallel. */
  rank: number;
}

export interface RestorePlan {
  items: RestoreItem[];
}

export const objectKey = (key: string, namespace: string | undefined, name: string): string =>
  `${key}/${namespace ?? ''}/${name}`;

/** Objects the cluster itself makes in every namespace, or the API server keeps: never written by a restore. */
function systemObject(key: string, namespace: string | undefined, name: string): string | undefined {
  if (key === 'configmaps' && name === 'kube-root-ca.crt') return 'the cluster makes it in every namespace';
  if (key === 'serviceaccounts' && name === 'default') return 'the cluster makes it in every namespace';
  if ((key === 'services' || key === 'endpoints') && namespace === 'default' && name === 'kubernetes')
    return 'the API server keeps it';
  if (key === NAMESPACES && ['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name))
    return 'the cluster makes it';
  return undefined;
}

const rankOf = (key: string): number => {
  const index = RESTORE_PRIORITIES.indexOf(key);
  return index < 0 ? RESTORE_PRIORITIES.length : index;
};

/** `<scope>/<resource>.<group>/<name>.yaml` → its parts; undefined for a path of another shape. */
export function parseArtifactPath(
  path: string,
): { namespace?: string; resource: string; group: string; name: string } | undefined {
  const match = /^([^/]+)\/([^/]+)\/([^/]+)\.yaml$/.exec(path);
  if (!match) return undefined;
  const [, scope = '', key = '', name = ''] = match;
  const dot = key.indexOf('.');
  return {
    namespace: scope === CLUSTER_SCOPE_DIR ? undefined : scope,
    resource: dot < 0 ? key : key.slice(0, dot),
    group: dot < 0 ? '' : key.slice(dot + 1),
    name,
  };
}

/** The resource a backed-up object is written to, from its path and its own apiVersion and kind. */
function resourceOf(file: BackupFile): ServedResource | undefined {
  const parts = parseArtifactPath(file.path);
  if (!parts || !file.object.apiVersion || !file.object.kind) return undefined;
  const slash = file.object.apiVersion.lastIndexOf('/');
  return {
    group: parts.group,
    version: slash < 0 ? file.object.apiVersion : file.object.apiVersion.slice(slash + 1),
    resource: parts.resource,
    kind: file.object.kind,
    namespaced: parts.namespace !== undefined,
    verbs: [],
  };
}

/**
 * The object as a restore writes it: no ownerReferences (the owner, if restored, has another uid), nothing the
 * server fills in, the target namespace, and the restore's label and action.
 */
function prepare(
  object: KubeObject,
  namespace: string | undefined,
  restoreId: string,
  action: 'create' | 'replace',
): KubeObject {
  const copy = structuredClone(object);
  const metadata = { ...(copy.metadata ?? {}) };
  for (const field of ['ownerReferences', 'uid', 'resourceVersion', 'creationTimestamp', 'managedFields'])
    delete metadata[field];
  if (namespace !== undefined) metadata.namespace = namespace;
  metadata.labels = { ...((metadata.labels as Record<string, string>) ?? {}), [RESTORE_LABEL]: restoreId };
  metadata.annotations = {
    ...((metadata.annotations as Record<string, string>) ?? {}),
    [RESTORE_ACTION_ANNOTATION]: action === 'create' ? 'created' : 'replaced',
  };
  copy.metadata = metadata;
  // The API server sets a pod's priority from its priorityClassName and refuses one that disagrees (Velero too
  // drops it).
  if (copy.kind === 'Pod' && typeof copy.spec === 'object' && copy.spec !== null)
    delete (copy.spec as Record<string, unknown>).priority;
  return copy;
}

/** RoleBinding subjects that named the source namespace name the target one. */
function moveSubjects(object: KubeObject, from: string, to: string): void {
  const subjects = object.subjects;
  if (!Array.isArray(subjects)) return;
  object.subjects = subjects.map((s) =>
    typeof s === 'object' && s !== null && (s as { namespace?: unknown }).namespace === from
      ? { ...s, namespace: to }
      : s,
  );
}

interface Candidate {
  path: string;
  resource: ServedResource;
  key: string;
  namespace?: string;
  name: string;
  object: KubeObject;
}

/**
 * What of the backup the filters ask for, with namespaces rewritten by `--to-namespace`: every object of the
 * named namespaces (all, without `--namespace`) of the named kinds (all, without `--kinds`); for a restore of
 * some namespaces, their Namespace objects and the definitions their custom objects need, but no other
 * cluster-scoped object; a namespace the backup does not hold as an object (`--to-namespace`) made up.
 */
function candidatesOf(files: readonly BackupFile[], filters: RestoreFilters): Candidate[] {
  const scoped = filters.namespaces.length > 0;
  const from = filters.toNamespace ? filters.namespaces[0] : undefined;
  const target = (ns: string | undefined) => (ns !== undefined && ns === from ? filters.toNamespace : ns);
  const wantedKind = (r: ServedResource) => filters.kinds.length === 0 || matchesKind(r, filters.kinds);
  const all: Candidate[] = [];
  for (const file of files) {
    const resource = resourceOf(file);
    const name = file.object.metadata?.name;
    if (!resource || !name) continue;
    all.push({
      path: file.path,
      resource,
      key: resourceKey(resource),
      namespace: resource.namespaced ? file.object.metadata?.namespace : undefined,
      name,
      object: file.object,
    });
  }
  const chosen = all.filter(
    (c) =>
      c.resource.namespaced &&
      (!scoped || filters.namespaces.includes(c.namespace ?? '')) &&
      wantedKind(c.resource),
  );
  const customKinds = new Set(chosen.filter((c) => c.resource.group !== '').map((c) => c.key));
  for (const c of all) {
    if (c.resource.namespaced) continue;
    if (c.key === CRDS) {
      if (customKinds.has(c.name) || (!scoped && wantedKind(c.resource))) chosen.push(c);
    } else if (c.key === NAMESPACES) {
      if (scoped ? filters.namespaces.includes(c.name) : wantedKind(c.resource)) chosen.push(c);
    } else if (!scoped && wantedKind(c.resource)) chosen.push(c);
  }
  const moved = chosen.map((c) => {
    if (c.key === NAMESPACES) {
      const name = target(c.name) ?? c.name;
      if (name === c.name) return c;
      const object = structuredClone(c.object);
      const labels = object.metadata?.labels as Record<string, string> | undefined;
      if (labels) delete labels['kubernetes.io/metadata.name'];
      object.metadata = { ...object.metadata, name };
      return { ...c, name, object };
    }
    if (!c.resource.namespaced || !from || c.namespace !== from || !filters.toNamespace) return c;
    const object = structuredClone(c.object);
    if (c.key === 'rolebindings.rbac.authorization.k8s.io') moveSubjects(object, from, filters.toNamespace);
    return { ...c, namespace: filters.toNamespace, object };
  });
  // Every namespace objects go into exists or is made: from the backup's Namespace object, or a bare one.
  const namespaces = new Set(moved.filter((c) => c.key === NAMESPACES).map((c) => c.name));
  for (const c of moved) {
    if (c.namespace === undefined || namespaces.has(c.namespace)) continue;
    namespaces.add(c.namespace);
    moved.push({
      path: '',
      resource: NAMESPACE_RESOURCE,
      key: NAMESPACES,
      name: c.namespace,
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: c.namespace } },
    });
  }
  return moved;
}

const NAMESPACE_RESOURCE: ServedResource = {
  group: '',
  version: 'v1',
  resource: NAMESPACES,
  kind: 'Namespace',
  namespaced: false,
  verbs: [],
};

/** `owned by ReplicaSet web-7d4f, which makes it again`. */
function ownedReason(object: KubeObject): string {
  const refs = (object.metadata?.ownerReferences ?? []) as {
    kind?: string;
    name?: string;
    controller?: boolean;
  }[];
  const owner = refs.find((r) => r.controller === true);
  return owner?.kind && owner.name
    ? `owned by ${owner.kind} ${owner.name}, which makes it again`
    : 'owned by a controller, which makes it again';
}

/** Endpoints of a Service with a selector are filled in by the endpoints controller; others are a person's. */
function controllerEndpoints(files: readonly BackupFile[]): Set<string> {
  const selected = new Set<string>();
  for (const file of files) {
    const parts = parseArtifactPath(file.path);
    const spec = file.object.spec as { selector?: unknown } | undefined;
    if (parts?.resource === 'services' && parts.group === '' && spec?.selector)
      selected.add(`${parts.namespace}/${parts.name}`);
  }
  return selected;
}

/**
 * The restore, planned: what the filters ask for, in dependency order (CRDs, namespaces, storage classes, PVs,
 * PVCs, RBAC, service accounts, secrets and config maps, limit ranges, workloads, services, the rest), each
 * object to create, replace (`--overwrite`) or skip with the reason: owned by a controller (its owner makes it
 * again), never restored (nodes, events, endpoint slices…), endpoints a Service's selector fills in, what the
 * cluster makes itself (kube-root-ca.crt, default ServiceAccounts), a kind the cluster does not serve and the
 * plan does not define, and what exists already. Objects this restore wrote before its worker stopped
 * (`restoreId` on their label) count as done. Pure: the files, the filters and the cluster's state in, the plan out.
 */
export function planRestore(
  files: readonly BackupFile[],
  filters: RestoreFilters,
  target: TargetState,
  restoreId: string,
): RestorePlan {
  const candidates = candidatesOf(files, filters);
  const served = new Set(target.served.map(resourceKey));
  const defined = new Set(candidates.filter((c) => c.key === CRDS).map((c) => c.name));
  const selectorEndpoints = controllerEndpoints(files);
  const items = candidates.map((c): RestoreItem => {
    const base = {
      path: c.path,
      resource: c.resource,
      key: c.key,
      namespace: c.namespace,
      name: c.name,
      rank: rankOf(c.key),
    };
    const skip = (code: SkipCode, reason: string): RestoreItem => ({
      ...base,
      action: 'skip',
      skip: { code, reason },
    });
    if (NEVER_RESTORED.has(c.key)) return skip('never-restored', 'belongs to the cluster that made it');
    if (isControlled(c.object)) return skip('owned', ownedReason(c.object));
    const system = systemObject(c.key, c.namespace, c.name);
    if (system) return skip('system', system);
    if (c.key === 'endpoints' && selectorEndpoints.has(`${c.object.metadata?.namespace}/${c.name}`))
      return skip('endpoints', "filled in from its Service's selector");
    if (c.resource.group !== '' && !served.has(c.key) && !defined.has(c.key))
      return skip(
        'unserved',
        `the cluster does not serve ${c.key} and the restore brings no definition of it`,
      );
    const there = target.existing.get(objectKey(c.key, c.namespace, c.name));
    if (there?.restoredBy === restoreId) {
      const done = there.restoredAs === 'replaced' ? 'replaced' : 'created';
      return { ...base, action: done === 'created' ? 'create' : 'replace', done };
    }
    // A namespace the restore would make up is never written over one that is there (its labels would go).
    if (there && c.path === '') return skip('exists', 'exists already');
    if (there && !filters.overwrite) return skip('exists', 'exists already (--overwrite replaces it)');
    const action = there ? 'replace' : 'create';
    return { ...base, action, object: prepare(c.object, c.namespace, restoreId, action) };
  });
  items.sort(
    (a, b) =>
      a.rank - b.rank ||
      a.key.localeCompare(b.key) ||
      (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
      a.name.localeCompare(b.name),
  );
  return { items };
}

/**
 * The (kind, namespace) pairs whose objects the plan needs to know about in the target cluster: one list each.
 * Cluster-scoped kinds have no namespace.
 */
export function restoreScopes(
  files: readonly BackupFile[],
  filters: RestoreFilters,
): { resource: ServedResource; namespace?: string }[] {
  const scopes = new Map<string, { resource: ServedResource; namespace?: string }>();
  for (const c of candidatesOf(files, filters)) {
    const id = `${c.key}/${c.namespace ?? ''}`;
    if (!scopes.has(id)) scopes.set(id, { resource: c.resource, namespace: c.namespace });
  }
  return [...scopes.values()];
}

/** Whether a file of the backup can matter to a restore of `namespaces` (all when empty), from its path alone. */
export function mayConcern(path: string, namespaces: readonly string[]): boolean {
  if (namespaces.length === 0) return true;
  const parts = parseArtifactPath(path);
  if (!parts) return false;
  if (parts.namespace !== undefined) return namespaces.includes(parts.namespace);
  const key = parts.group ? `${parts.resource}.${parts.group}` : parts.resource;
  return key === CRDS || key === NAMESPACES;
}
