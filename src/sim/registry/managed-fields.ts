import type { KubeObject, ResourceInfo } from '../types.js';
import { deepEqual, isJsonObject, type JsonObject } from './json-value.js';

/** validation.FieldManagerMaxLength. */
const FIELD_MANAGER_MAX_LENGTH = 128;

/** One `metadata.managedFields` entry, keys in the order the API server writes them. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** Who wrote, and how: what the registry passes for one write. */
export interface ManagedWrite {
  manager: string;
  operation: 'Update' | 'Apply';
  subresource?: string;
  time: string;
  /** For Apply: the configuration the client sent (its fields are what the manager now owns). */
  applied?: unknown;
}

/**
 * handlers/create.go managerOrUserAgent → prefixFromUserAgent: `?fieldManager=` when given, else the User-Agent up
 * to its first `/`, printable characters only, at most 128 bytes (`kubectl-edit/v1.31.0 (linux/amd64) …` →
 * `kubectl-edit`; client-node's `node-fetch/1.0` → `node-fetch`).
 */
export function managerOf(fieldManager: string | null | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const head = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  for (const ch of head) {
    if (!/\P{C}/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

/** A field set as structured-merge-diff keeps it: `self` is the node's own membership (`.` when it has children). */
interface FieldNode {
  self: boolean;
  children: Map<string, FieldNode>;
}

const node = (self = false): FieldNode => ({ self, children: new Map() });

/**
 * The managedFields after one write: the writer's entry for (manager, operation, apiVersion, subresource) gets
 * the fields it set (Update: what changed against the live object, kept with what it owned before and still
 * exists; Apply: the applied configuration), those fields leave every other entry, and empty entries go.
 * Returns the live entries unchanged when the write set nothing.
 */
export function nextManagedFields(
  info: ResourceInfo,
  before: KubeObject | undefined,
  after: KubeObject,
  write: ManagedWrite,
): ManagedFieldsEntry[] | undefined {
  const existing = (before?.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const oldView = before ? viewOf(info, before, write.subresource) : {};
  const newView = viewOf(info, after, write.subresource);
  const changed =
    write.operation === 'Apply'
      ? applySet(viewOf(info, asObject(write.applied), write.subresource), '')
      : diffSet(before ? oldView : undefined, newView, '');
  if (isEmpty(changed) && write.operation === 'Update') return before ? existing : undefined;
  const present = fullSet(newView);
  const apiVersion = after.apiVersion;
  const same = (e: ManagedFieldsEntry) =>
    e.manager === write.manager &&
    e.operation === write.operation &&
    e.apiVersion === apiVersion &&
    (e.subresource ?? '') === (write.subresource ?? '');
  const result: ManagedFieldsEntry[] = [];
  let mine: FieldNode = changed;
  for (const entry of existing) {
    if (same(entry)) {
      if (write.operation === 'Update')
        mine = union(intersect(fromFieldsV1(entry.fieldsV1), present), changed);
      continue;
    }
    const kept = intersect(subtract(fromFieldsV1(entry.fieldsV1), changed), present);
    if (isEmpty(kept)) continue;
    const fieldsV1 = toFieldsV1(kept);
    result.push(deepEqual(fieldsV1, entry.fieldsV1) ? entry : { ...entry, fieldsV1 });
  }
  const entry: ManagedFieldsEntry = {
    manager: write.manager,
    operation: write.operation,
    apiVersion,
    time: write.time,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(mine),
    ...(write.subresource ? { subresource: write.subresource } : {}),
  };
  const at = existing.findIndex(same);
  result.splice(at < 0 ? result.length : Math.min(at, result.length), 0, entry);
  return result;
}

function asObject(value: unknown): KubeObject {
  return (isJsonObject(value) ? value : {}) as KubeObject;
}

/** The part of the object a write on this (sub)resource can own. */
function viewOf(info: ResourceInfo, object: KubeObject, subresource: string | undefined): JsonObject {
  if (subresource === 'status') return object.status === undefined ? {} : { status: object.status };
  const { apiVersion: _v, kind: _k, metadata, status, ...rest } = object;
  const view: JsonObject = { ...rest };
  const meta: JsonObject = {};
  const m = isJsonObject(metadata) ? metadata : {};
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    if (m[key] !== undefined) meta[key] = m[key];
  }
  if (Object.keys(meta).length > 0) view.metadata = meta;
  if (!(info.subresources ?? []).includes('status') && status !== undefined) view.status = status;
  return view;
}

/** Paths whose object is there even in the type's zero value (non-pointer structs), so creating them adds no `.`. */
const ALWAYS_PRESENT = new Set([
  '',
  '.metadata',
  '.spec',
  '.status',
  '.spec.template',
  '.spec.template.metadata',
  '.spec.template.spec',
  '.spec.strategy',
  '.spec.updateStrategy',
  '.spec.jobTemplate',
  '.spec.jobTemplate.spec',
]);

/** Fields that are atomic in the built-in schemas (`+structType=atomic`, `+mapType=atomic`). */
const ATOMIC = new Set(['.spec.selector', '.spec.jobTemplate.spec.selector']);

type ListKind = { kind: 'set' } | { kind: 'map'; keys: string[] } | { kind: 'atomic' };

/** How a list merges (its `x-kubernetes-list-type` / patch merge key), from the built-in types bosun meets. */
function listKind(path: string, items: unknown[]): ListKind {
  const field = path.slice(path.lastIndexOf('.') + 1);
  if (field === 'finalizers') return { kind: 'set' };
  if (!items.every(isJsonObject)) return { kind: 'atomic' };
  const objects = items as JsonObject[];
  const has = (key: string) => objects.every((o) => o[key] !== undefined);
  if (field === 'ownerReferences' && has('uid')) return { kind: 'map', keys: ['uid'] };
  if (field === 'ports' && has('containerPort')) return { kind: 'map', keys: ['containerPort', 'protocol'] };
  if (field === 'ports' && has('port')) return { kind: 'map', keys: ['port', 'protocol'] };
  if (field === 'volumeMounts' && has('mountPath')) return { kind: 'map', keys: ['mountPath'] };
  if (field === 'conditions' && has('type')) return { kind: 'map', keys: ['type'] };
  if (field !== 'tolerations' && has('name')) return { kind: 'map', keys: ['name'] };
  return { kind: 'atomic' };
}

/** `k:{"containerPort":80,"protocol":"TCP"}`: the key fields, sorted, as compact JSON. */
function itemKey(item: JsonObject, keys: string[]): string {
  const fields = [...keys].filter((k) => item[k] !== undefined).sort();
  return `k:{${fields.map((k) => `${JSON.stringify(k)}:${JSON.stringify(item[k])}`).join(',')}}`;
}

/** What an Update set: the fields added or changed between the live object and the new one. */
function diffSet(before: unknown, after: unknown, path: string): FieldNode {
  if (after === undefined || deepEqual(before, after)) return node();
  if (before === undefined) return addedSet(after, path);
  if (isJsonObject(before) && isJsonObject(after) && !ATOMIC.has(path)) {
    const out = node();
    for (const [key, value] of Object.entries(after)) {
      const child = diffSet(before[key], value, `${path}.${key}`);
      if (!isEmpty(child)) out.children.set(`f:${key}`, child);
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const kind = listKind(path, after);
    if (kind.kind === 'set') {
      const out = node();
      for (const value of after)
        if (!before.some((b) => deepEqual(b, value)))
          out.children.set(`v:${JSON.stringify(value)}`, node(true));
      return out;
    }
    if (kind.kind === 'map' && before.every(isJsonObject)) {
      const out = node();
      const old = new Map((before as JsonObject[]).map((item) => [itemKey(item, kind.keys), item]));
      for (const item of after as JsonObject[]) {
        const key = itemKey(item, kind.keys);
        const previous = old.get(key);
        const child =
          previous === undefined ? addedSet(item, `${path}[]`) : diffSet(previous, item, `${path}[]`);
        if (!isEmpty(child)) out.children.set(key, child);
      }
      return out;
    }
  }
  return node(true);
}

/** A field that did not exist before: it and everything under it. */
function addedSet(value: unknown, path: string): FieldNode {
  if (isJsonObject(value) && !ATOMIC.has(path)) {
    const out = node(!ALWAYS_PRESENT.has(path));
    for (const [key, child] of Object.entries(value)) {
      // A null is what the zero value has too (`creationTimestamp: null`): nothing was set.
      if (child !== undefined && child !== null)
        out.children.set(`f:${key}`, addedSet(child, `${path}.${key}`));
    }
    if (out.children.size === 0) out.self = true;
    return out;
  }
  if (Array.isArray(value)) {
    const kind = listKind(path, value);
    if (kind.kind === 'atomic' || value.length === 0) return node(true);
    const out = node();
    for (const item of value) {
      if (kind.kind === 'set') out.children.set(`v:${JSON.stringify(item)}`, node(true));
      else out.children.set(itemKey(item as JsonObject, kind.keys), addedSet(item, `${path}[]`));
    }
    return out;
  }
  return node(true);
}

/** What an Apply owns: the leaves of the applied configuration and the items of keyed lists (ToFieldSet). */
function applySet(value: unknown, path: string): FieldNode {
  if (isJsonObject(value) && !ATOMIC.has(path)) {
    const out = node();
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined && child !== null)
        out.children.set(`f:${key}`, applySet(child, `${path}.${key}`));
    }
    if (out.children.size === 0 && path !== '') out.self = true;
    return out;
  }
  if (Array.isArray(value)) {
    const kind = listKind(path, value);
    if (kind.kind === 'atomic' || value.length === 0) return node(true);
    const out = node();
    for (const item of value) {
      if (kind.kind === 'set') out.children.set(`v:${JSON.stringify(item)}`, node(true));
      else {
        const child = applySet(item, `${path}[]`);
        child.self = true;
        out.children.set(itemKey(item as JsonObject, kind.keys), child);
      }
    }
    return out;
  }
  return node(true);
}

/** Every path in the object (to drop owned fields that no longer exist). */
function fullSet(value: unknown, path = ''): FieldNode {
  if (isJsonObject(value) && !ATOMIC.has(path)) {
    const out = node(true);
    for (const [key, child] of Object.entries(value))
      if (child !== undefined) out.children.set(`f:${key}`, fullSet(child, `${path}.${key}`));
    return out;
  }
  if (Array.isArray(value)) {
    const kind = listKind(path, value);
    const out = node(true);
    if (kind.kind === 'set')
      for (const item of value) out.children.set(`v:${JSON.stringify(item)}`, node(true));
    if (kind.kind === 'map')
      for (const item of value as JsonObject[])
        out.children.set(itemKey(item, kind.keys), fullSet(item, `${path}[]`));
    return out;
  }
  return node(true);
}

function isEmpty(set: FieldNode): boolean {
  return !set.self && [...set.children.values()].every(isEmpty);
}

function union(a: FieldNode, b: FieldNode): FieldNode {
  const out = node(a.self || b.self);
  for (const key of new Set([...a.children.keys(), ...b.children.keys()])) {
    const left = a.children.get(key);
    const right = b.children.get(key);
    out.children.set(key, left && right ? union(left, right) : ((left ?? right) as FieldNode));
  }
  return out;
}

/** `a` without what `b` holds; a leaf in `b` (an atomic value replaced) takes the whole subtree. */
function subtract(a: FieldNode, b: FieldNode): FieldNode {
  if (b.self && b.children.size === 0) return node();
  const out = node(a.self && !b.self);
  for (const [key, child] of a.children) {
    const other = b.children.get(key);
    const rest = other ? subtract(child, other) : child;
    if (!isEmpty(rest)) out.children.set(key, rest);
  }
  return out;
}

/** `a` limited to paths that exist in `present`. */
function intersect(a: FieldNode, present: FieldNode): FieldNode {
  const out = node(a.self && present.self);
  for (const [key, child] of a.children) {
    const there = present.children.get(key);
    if (!there) continue;
    const kept = intersect(child, there);
    if (!isEmpty(kept)) out.children.set(key, kept);
  }
  return out;
}

function toFieldsV1(set: FieldNode): JsonObject {
  const out: JsonObject = {};
  if (set.self && set.children.size > 0) out['.'] = {};
  for (const [key, child] of set.children) if (!isEmpty(child)) out[key] = toFieldsV1(child);
  return out;
}

function fromFieldsV1(fields: unknown): FieldNode {
  const out = node();
  if (!isJsonObject(fields)) return out;
  const entries = Object.entries(fields);
  if (entries.length === 0) out.self = true;
  for (const [key, child] of entries) {
    if (key === '.') out.self = true;
    else out.children.set(key, fromFieldsV1(child));
  }
  return out;
}
