import type { StatusCause } from '../types.js';

/** The parts of a CRD's openAPIV3Schema the API server acts on (apiextensions' structural schema). */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
}

type Cause = Required<StatusCause>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Fields kept whatever the schema says: the root's type and object meta, and an embedded resource's. */
const META_FIELDS = ['apiVersion', 'kind', 'metadata'];

/**
 * Structural pruning (apiextensions-apiserver pkg/apiserver/schema/pruning): fields the schema does not
 * declare are dropped unless `x-kubernetes-preserve-unknown-fields`; the dropped paths are collected for
 * fieldValidation (`spec.foo`, `spec.items[0].bar`). Nulls of fields that are not nullable go too.
 */
export function prune(
  value: unknown,
  schema: StructuralSchema | undefined,
  path: string,
  dropped: string[],
  root = false,
): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) {
    return schema.items ? value.map((item, i) => prune(item, schema.items, `${path}[${i}]`, dropped)) : value;
  }
  if (!isRecord(value)) return value;
  const keepMeta = root || schema['x-kubernetes-embedded-resource'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (keepMeta && META_FIELDS.includes(key)) {
      out[key] = item;
      continue;
    }
    const declared = schema.properties?.[key];
    const additional = isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined;
    const itemSchema = declared ?? additional;
    if (!itemSchema && !preserve && schema.additionalProperties !== true) {
      dropped.push(child(path, key));
      continue;
    }
    if (item === null && itemSchema && itemSchema.nullable !== true) continue;
    out[key] = prune(item, itemSchema, child(path, key), dropped);
  }
  return out;
}

/** Defaulting (pkg/apiserver/schema/defaulting): a missing field with a `default` gets it, deepest last. */
export function applySchemaDefaults(value: unknown, schema: StructuralSchema | undefined): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) return value.map((item) => applySchemaDefaults(item, schema.items));
  if (!isRecord(value)) return value;
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (value[key] === undefined && property.default !== undefined)
      value[key] = structuredClone(property.default);
    if (value[key] !== undefined) value[key] = applySchemaDefaults(value[key], property);
  }
  if (isRecord(schema.additionalProperties)) {
    for (const key of Object.keys(value)) {
      if (!schema.properties?.[key])
        value[key] = applySchemaDefaults(value[key], schema.additionalProperties);
    }
  }
  return value;
}

/** The JSON type kube-openapi's validator names for a value. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

function typeMatches(type: string, value: unknown, intOrString: boolean): boolean {
  const actual = typeOf(value);
  if (intOrString) return actual === 'integer' || actual === 'string';
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

/** How field.Invalid prints a value (Go's %v of the decoded JSON, strings quoted). */
function shown(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}

/**
 * Schema validation as apiextensions' ValidateCustomResource words it: `Invalid value: "string": spec.size in
 * body must be of type integer: "string"`, `Required value`, `Unsupported value: "x": supported values: …`,
 * `should be less than or equal to`, `should match`.
 */
export function validateAgainstSchema(
  value: unknown,
  schema: StructuralSchema | undefined,
  path: string,
  causes: Cause[],
): void {
  if (!schema || value === undefined) return;
  if (value === null) {
    if (schema.nullable === true || !schema.type) return;
  }
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if ((schema.type || intOrString) && !typeMatches(schema.type ?? '', value, intOrString)) {
    const actual = typeOf(value);
    const wanted = intOrString ? 'integer,string' : (schema.type ?? '');
    causes.push({
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: "${actual}": ${path} in body must be of type ${wanted}: "${actual}"`,
      field: path,
    });
    return;
  }
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${shown(value)}: supported values: ${schema.enum.map(shown).join(', ')}`,
      field: path,
    });
  }
  if (typeof value === 'number') {
    if (schema.maximum !== undefined && value > schema.maximum) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${value}: ${path} in body should be less than or equal to ${schema.maximum}`,
        field: path,
      });
    }
    if (schema.minimum !== undefined && value < schema.minimum) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${value}: ${path} in body should be greater than or equal to ${schema.minimum}`,
        field: path,
      });
    }
  }
  if (
    typeof value === 'string' &&
    schema.pattern !== undefined &&
    !new RegExp(schema.pattern, 'u').test(value)
  ) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${shown(value)}: ${path} in body should match '${schema.pattern}'`,
      field: path,
    });
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      validateAgainstSchema(item, schema.items, `${path}[${i}]`, causes);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: child(path, name) });
    }
  }
  for (const [key, item] of Object.entries(value)) {
    if (path === '' && META_FIELDS.includes(key)) continue;
    const itemSchema =
      schema.properties?.[key] ??
      (isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined);
    validateAgainstSchema(item, itemSchema, child(path, key), causes);
  }
}
