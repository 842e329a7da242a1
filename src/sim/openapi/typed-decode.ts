import { customSchemaOf } from '../registry/custom-schema.js';
import { badRequest } from '../registry/status-errors.js';
import type { KubeObject, ResourceInfo } from '../types.js';
import { kindClassName, loadModel, splitClassName } from './model-catalog.js';
import { prune } from './structural-schema.js';

/** `?fieldValidation=`: absent means Warn, as on the API server (handlers/rest.go `fieldValidation`). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(value: string | null): FieldValidation {
  return value === 'Strict' || value === 'Ignore' ? value : 'Warn';
}

/** String fields that are resource.Quantity on the server (which also takes a JSON number); map values all may be. */
const QUANTITY_FIELDS = new Set(['sizeLimit', 'maximumVolumeSize', 'capacity']);

interface Walk {
  unknown: string[];
  typeError?: string;
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return 'object';
}

/** The Go type name the decoder would name: `[]v1.Container`, `map[string]string`, `int32`. */
function goType(type: string, format: string): string {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return `[]${goType(array[1] ?? '', format)}`;
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return `map[string]${goType(map[1] ?? '', format)}`;
  if (type === 'string') return 'string';
  if (type === 'boolean') return 'bool';
  if (type === 'number') return format.startsWith('int') ? format : 'float64';
  if (type === 'Date') return format === 'date-time-micro' ? 'v1.MicroTime' : 'v1.Time';
  if (type === 'IntOrString') return 'intstr.IntOrString';
  const { version, kind } = splitClassName(type);
  return `${version || 'v1'}.${kind}`;
}

interface Site {
  struct: string;
  /** The Go decoder's field path: dotted, without indices. */
  goPath: string;
  /** The strict decoder's path: with `[i]` indices. */
  path: string;
  quantity: boolean;
}

/**
 * Decodes a value as `type` would: returns it with unknown fields dropped (always, as a built-in's Go struct does),
 * recording them, and the first wrong JSON type as the Go decoder words it.
 */
function decodeValue(value: unknown, type: string, format: string, site: Site, walk: Walk): unknown {
  if (value === null || type === 'any' || type === 'object') return value;
  const mistyped = (): unknown => {
    const what = jsonKind(value);
    const shown = what === 'number' && type === 'number' ? `number ${value}` : what;
    walk.typeError ??= `json: cannot unmarshal ${shown} into Go struct field ${site.struct}.${site.goPath} of type ${goType(type, format)}`;
    return value;
  };
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return mistyped();
    return value.map((item, index) =>
      decodeValue(item, array[1] ?? '', format, { ...site, path: `${site.path}[${index}]` }, walk),
    );
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) return mistyped();
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = decodeValue(
        item,
        map[1] ?? '',
        format,
        { ...site, path: `${site.path}[${key}]`, quantity: true },
        walk,
      );
    }
    return out;
  }
  switch (type) {
    case 'string':
      if (typeof value === 'string' || (site.quantity && typeof value === 'number')) return value;
      return mistyped();
    case 'Date':
      return typeof value === 'string' ? value : mistyped();
    case 'boolean':
      return typeof value === 'boolean' ? value : mistyped();
    case 'number':
      if (typeof value !== 'number') return mistyped();
      if (format.startsWith('int') && !Number.isInteger(value)) return mistyped();
      return value;
    case 'IntOrString':
      return value;
  }
  const model = loadModel(type);
  if (!model) return value;
  if (typeof value !== 'object' || Array.isArray(value)) return mistyped();
  const struct = splitClassName(type).kind;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const field = model.fields.get(key);
    const path = site.path ? `${site.path}.${key}` : key;
    if (!field) {
      walk.unknown.push(path);
      continue;
    }
    const goPath = site.goPath ? `${site.goPath}.${key}` : key;
    const next: Site = { struct, goPath, path, quantity: QUANTITY_FIELDS.has(key) };
    if (item === null) continue;
    out[key] = decodeValue(item, field.type, field.format, next, walk);
  }
  return out;
}

/**
 * What the API server's decoder does with a create or update body of a built-in kind (handlers/create.go,
 * update.go): a wrong JSON type is 400 `<Kind> in version "<v>" cannot be handled as a <Kind>: json: cannot
 * unmarshal …`; unknown fields are dropped, and refused under Strict (`strict decoding error: unknown field
 * "spec.foo"`), returned as warnings under Warn. A custom resource's unknown fields are those its CRD's schema
 * does not declare; kinds without a model or schema pass unchanged.
 */
export function decodeBuiltin(
  info: ResourceInfo,
  version: string,
  body: KubeObject,
  validation: FieldValidation,
  warnings: string[],
): KubeObject {
  const walk: Walk = { unknown: [] };
  let decoded: unknown = body;
  if (info.custom) {
    // The registry prunes what the CRD's schema does not declare; here only the fields are named.
    const schema = customSchemaOf(info, typeof body.apiVersion === 'string' ? body.apiVersion : version);
    if (!schema) return body;
    prune(body, schema, '', walk.unknown, true);
  } else {
    const className = kindClassName(info.group, version, info.kind);
    if (!className) return body;
    decoded = decodeValue(body, className, '', { struct: '', goPath: '', path: '', quantity: false }, walk);
  }
  const prefix = `${info.kind} in version "${version}" cannot be handled as a ${info.kind}`;
  if (walk.typeError) throw badRequest(`${prefix}: ${walk.typeError}`);
  const unknown = walk.unknown.map((path) => `unknown field "${path}"`);
  if (unknown.length > 0 && validation === 'Strict') {
    throw badRequest(`${prefix}: strict decoding error: ${unknown.join(', ')}`);
  }
  if (validation === 'Warn') warnings.push(...unknown);
  return decoded as KubeObject;
}

/** The `Warning` header values for these texts (`299 - "<text>"`, quotes escaped). */
export function warningHeaders(texts: string[]): string[] {
  return texts.map((text) => `299 - ${JSON.stringify(text)}`);
}
