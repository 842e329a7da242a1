import { deepClone, deepEqual, isJsonObject } from './json-value.js';
import { badRequest, invalid } from './status-errors.js';

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/** RFC 6902 JSON patch. A body that is not an array is a 400, as `jsonpatch.DecodePatch` makes it. */
export function applyJsonPatch(target: unknown, patch: unknown, kind: string, name: string): unknown {
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${describe(patch)} into Go value of type jsonpatch.Patch`);
  }
  if (patch.length > 10000) throw badRequest('The allowed maximum operations in a JSON patch is 10000');
  let document = deepClone(target);
  for (const raw of patch) {
    if (!isJsonObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('the server rejected our request due to an error in our request');
    }
    const operation: Operation = {
      op: raw.op,
      path: raw.path,
      from: typeof raw.from === 'string' ? raw.from : undefined,
      value: raw.value,
    };
    try {
      document = applyOperation(document, operation);
    } catch (error) {
      if (error instanceof PatchFailure) {
        throw invalid(kind, '', name, [{ reason: 'FieldValueInvalid', message: error.message, field: '' }]);
      }
      throw error;
    }
  }
  return document;
}

class PatchFailure extends Error {}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  return typeof value === 'string' ? 'string' : typeof value;
}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchFailure(`invalid JSON pointer: ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyOperation(document: unknown, operation: Operation): unknown {
  switch (operation.op) {
    case 'add':
      return setAt(document, parsePointer(operation.path), deepClone(operation.value), 'add');
    case 'replace':
      return setAt(document, parsePointer(operation.path), deepClone(operation.value), 'replace');
    case 'remove':
      return removeAt(document, parsePointer(operation.path));
    case 'copy': {
      const value = getAt(document, parsePointer(operation.from ?? ''));
      return setAt(document, parsePointer(operation.path), deepClone(value), 'add');
    }
    case 'move': {
      const from = parsePointer(operation.from ?? '');
      const value = getAt(document, from);
      return setAt(removeAt(document, from), parsePointer(operation.path), value, 'add');
    }
    case 'test': {
      const value = getAt(document, parsePointer(operation.path));
      if (!deepEqual(value, operation.value))
        throw new PatchFailure(`testing value ${operation.path} failed`);
      return document;
    }
    default:
      throw new PatchFailure(`Unexpected kind: ${operation.op}`);
  }
}

function getAt(document: unknown, tokens: string[]): unknown {
  let current = document;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const index = Number(token);
      if (!Number.isInteger(index) || index < 0 || index >= current.length) {
        throw new PatchFailure(`doc is missing path: /${tokens.join('/')}`);
      }
      current = current[index];
    } else if (isJsonObject(current) && Object.hasOwn(current, token)) {
      current = current[token];
    } else {
      throw new PatchFailure(`doc is missing path: /${tokens.join('/')}`);
    }
  }
  return current;
}

function setAt(document: unknown, tokens: string[], value: unknown, mode: 'add' | 'replace'): unknown {
  if (tokens.length === 0) return value;
  const parent = getAt(document, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (
      !Number.isInteger(index) ||
      index < 0 ||
      index > parent.length ||
      (mode === 'replace' && index === parent.length)
    ) {
      throw new PatchFailure(`unable to ${mode} at index ${last}`);
    }
    if (mode === 'add') parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isJsonObject(parent)) {
    if (mode === 'replace' && !Object.hasOwn(parent, last)) {
      throw new PatchFailure(`replace operation does not apply: doc is missing key: /${tokens.join('/')}`);
    }
    parent[last] = value;
  } else {
    throw new PatchFailure(`doc is missing path: /${tokens.join('/')}`);
  }
  return document;
}

function removeAt(document: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return undefined;
  const parent = getAt(document, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw new PatchFailure(`unable to remove nonexistent index ${last}`);
    }
    parent.splice(index, 1);
  } else if (isJsonObject(parent) && Object.hasOwn(parent, last)) {
    delete parent[last];
  } else {
    throw new PatchFailure(`unable to remove nonexistent key: ${last}: missing value`);
  }
  return document;
}
