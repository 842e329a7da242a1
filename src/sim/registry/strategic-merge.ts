import { deepClone, isJsonObject, type JsonObject } from './json-value.js';

type ListStrategy = { type: 'merge'; key: string } | { type: 'set' } | { type: 'replace' };

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/**
 * The `patchStrategy`/`patchMergeKey` tags of the built-in types that matter here, looked up by field name
 * (and parent, where one name has two meanings: container ports merge by containerPort, service ports by port).
 * Lists without a tag (taints, tolerations, args, …) are replaced whole.
 */
function listStrategy(path: readonly string[]): ListStrategy {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (CONTAINER_LISTS.has(field)) return { type: 'merge', key: 'name' };
  switch (field) {
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'resourceClaims':
    case 'schedulingGates':
      return { type: 'merge', key: 'name' };
    case 'ports':
      return CONTAINER_LISTS.has(parent)
        ? { type: 'merge', key: 'containerPort' }
        : { type: 'merge', key: 'port' };
    case 'volumeMounts':
      return { type: 'merge', key: 'mountPath' };
    case 'volumeDevices':
      return { type: 'merge', key: 'devicePath' };
    case 'conditions':
      return { type: 'merge', key: 'type' };
    case 'addresses':
      return parent === 'status' ? { type: 'merge', key: 'type' } : { type: 'replace' };
    case 'ownerReferences':
      return { type: 'merge', key: 'uid' };
    case 'hostAliases':
      return { type: 'merge', key: 'ip' };
    case 'topologySpreadConstraints':
      return { type: 'merge', key: 'topologyKey' };
    case 'finalizers':
      return parent === 'metadata' ? { type: 'set' } : { type: 'replace' };
    default:
      return { type: 'replace' };
  }
}

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE = '$deleteFromPrimitiveList/';
const SET_ELEMENT_ORDER = '$setElementOrder/';

/** Applies a strategic merge patch (`application/strategic-merge-patch+json`) to a built-in object. */
export function applyStrategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return deepClone(patch);
  return mergeMap(isJsonObject(original) ? original : {}, patch, []);
}

function mergeMap(original: JsonObject, patch: JsonObject, path: readonly string[]): JsonObject | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const replaced = stripDirectives(patch);
    return isJsonObject(replaced) ? replaced : {};
  }
  const result: JsonObject = { ...original };
  const orders: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = key.slice(DELETE_FROM_PRIMITIVE.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter((item) => !value.some((gone) => gone === item));
      }
      continue;
    }
    if (key.startsWith(SET_ELEMENT_ORDER)) {
      orders.push([key.slice(SET_ELEMENT_ORDER.length), value]);
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (isJsonObject(value)) {
      const merged = mergeMap(isJsonObject(result[key]) ? (result[key] as JsonObject) : {}, value, [
        ...path,
        key,
      ]);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else if (Array.isArray(value)) {
      result[key] = mergeList(Array.isArray(result[key]) ? (result[key] as unknown[]) : [], value, [
        ...path,
        key,
      ]);
    } else {
      result[key] = value;
    }
  }
  for (const [field, order] of orders) {
    const current = result[field];
    if (Array.isArray(current) && Array.isArray(order))
      result[field] = reorder(current, order, [...path, field]);
  }
  const retain = patch[RETAIN_KEYS];
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function mergeList(original: unknown[], patch: unknown[], path: readonly string[]): unknown[] {
  if (patch.some((item) => isJsonObject(item) && item[DIRECTIVE] === 'replace')) {
    return patch
      .filter((item) => !(isJsonObject(item) && item[DIRECTIVE] === 'replace'))
      .map(stripDirectives);
  }
  const strategy = listStrategy(path);
  if (strategy.type === 'replace') return patch.map(stripDirectives);
  if (strategy.type === 'set') {
    const result = [...original];
    for (const item of patch) if (!result.some((existing) => existing === item)) result.push(item);
    return result;
  }
  const result = original.map((item) => deepClone(item));
  for (const item of patch) {
    if (!isJsonObject(item) || !Object.hasOwn(item, strategy.key)) {
      result.push(stripDirectives(item));
      continue;
    }
    const index = result.findIndex(
      (existing) => isJsonObject(existing) && existing[strategy.key] === item[strategy.key],
    );
    if (item[DIRECTIVE] === 'delete') {
      if (index !== -1) result.splice(index, 1);
      continue;
    }
    if (index === -1) {
      result.push(stripDirectives(item));
      continue;
    }
    const existing = result[index];
    const merged = mergeMap(isJsonObject(existing) ? existing : {}, item, path);
    if (merged === undefined) result.splice(index, 1);
    else result[index] = merged;
  }
  return result;
}

function reorder(list: unknown[], order: unknown[], path: readonly string[]): unknown[] {
  const strategy = listStrategy(path);
  const identity = (item: unknown): unknown =>
    strategy.type === 'merge' && isJsonObject(item) ? item[strategy.key] : item;
  const wanted = order.map(identity);
  const ranked = list.map((item, index) => {
    const rank = wanted.indexOf(identity(item));
    return { item, rank: rank === -1 ? wanted.length + index : rank };
  });
  return ranked.sort((a, b) => a.rank - b.rank).map((entry) => entry.item);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, inner] of Object.entries(value)) {
    if (
      key === DIRECTIVE ||
      key === RETAIN_KEYS ||
      key.startsWith(DELETE_FROM_PRIMITIVE) ||
      key.startsWith(SET_ELEMENT_ORDER)
    ) {
      continue;
    }
    result[key] = stripDirectives(inner);
  }
  return result;
}
