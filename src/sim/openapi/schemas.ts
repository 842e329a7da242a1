import { loadModel, type ModelField, splitClassName } from './model-catalog.js';

/** One OpenAPI v3 schema object, as Kubernetes publishes them. */
export type Schema = Record<string, unknown>;

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

/** The component name of a client-node class: the last dotted segment is the kind, as `kubectl explain` shows it. */
export function schemaName(className: string): string {
  const { prefix, version, kind } = splitClassName(className);
  return ['io.k8s.api', prefix, version, kind].filter(Boolean).join('.');
}

function ref(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

/** A field type in OpenAPI v3; classes it names are added to `pending`. */
function typeSchema(type: string, format: string, pending: string[]): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: 'array', items: typeSchema(array[1] ?? '', format, pending) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1] ?? '', format, pending) };
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'number':
      return format.startsWith('int') ? { type: 'integer', format } : { type: 'number', format: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return { type: 'string', format: format || 'date-time' };
    case 'IntOrString':
      pending.push('IntOrString');
      return ref(INT_OR_STRING);
    case 'any':
    case 'object':
      return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    default:
      pending.push(type);
      return ref(schemaName(type));
  }
}

function fieldSchema(field: ModelField, pending: string[]): Schema {
  const schema = typeSchema(field.type, field.format, pending);
  const described = schema.$ref ? { allOf: [schema] } : schema;
  return field.description ? { ...described, description: field.description } : described;
}

/** The schema of one class, its referenced classes pushed to `pending`. */
function classSchema(className: string, pending: string[]): Schema | undefined {
  if (className === 'IntOrString') {
    return {
      description:
        'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
      format: 'int-or-string',
      oneOf: [{ type: 'integer' }, { type: 'string' }],
    };
  }
  const model = loadModel(className);
  if (!model) return undefined;
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const field of model.fields.values()) {
    properties[field.name] = fieldSchema(field, pending);
    if (field.required) required.push(field.name);
  }
  const schema: Schema = { type: 'object', properties };
  if (model.description) schema.description = model.description;
  if (required.length > 0) schema.required = required;
  return schema;
}

export interface RootKind {
  className: string;
  group: string;
  version: string;
  kind: string;
}

/** `components.schemas` for these kinds and every schema they reach. */
export function componentSchemas(roots: RootKind[]): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  const pending: string[] = [];
  for (const root of roots) {
    const schema = classSchema(root.className, pending);
    if (!schema) continue;
    schema['x-kubernetes-group-version-kind'] = [
      { group: root.group, kind: root.kind, version: root.version },
    ];
    schemas[schemaName(root.className)] = schema;
  }
  while (pending.length > 0) {
    const className = pending.pop() ?? '';
    const name = className === 'IntOrString' ? INT_OR_STRING : schemaName(className);
    if (schemas[name]) continue;
    const schema = classSchema(className, pending);
    if (schema) schemas[name] = schema;
  }
  return schemas;
}
