import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The one schema source for built-in kinds: the models that @kubernetes/client-node generates from Kubernetes'
 * published OpenAPI (its `dist/gen/models`): each class's `attributeTypeMap` (field, type, format) and, from its
 * declaration file, the descriptions and which fields are required. Read lazily, one class at a time, and cached.
 */
export interface ModelField {
  name: string;
  /** client-node's type: `string`, `number`, `boolean`, `Date`, `IntOrString`, `any`, `Array<T>`, `{ [key: string]: T; }` or a class. */
  type: string;
  format: string;
  description?: string;
  required: boolean;
}

export interface Model {
  className: string;
  description?: string;
  fields: Map<string, ModelField>;
}

let modelsDir: string | undefined;
const cache = new Map<string, Model | null>();

function directory(): string {
  if (!modelsDir) {
    const entry = createRequire(import.meta.url).resolve('@kubernetes/client-node');
    modelsDir = join(dirname(entry), 'gen', 'models');
  }
  return modelsDir;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(join(directory(), file), 'utf8');
  } catch {
    return undefined;
  }
}

function unescapeDoc(text: string): string {
  return text.replace(/\\(["'\\`])/g, '$1').trim();
}

/** The model of a client-node class (`V1Deployment`), or undefined when there is none. */
export function loadModel(className: string): Model | undefined {
  const cached = cache.get(className);
  if (cached !== undefined) return cached ?? undefined;
  const model = parseModel(className);
  cache.set(className, model ?? null);
  return model;
}

function parseModel(className: string): Model | undefined {
  if (!/^[A-Za-z0-9]+$/.test(className)) return undefined;
  const js = readText(`${className}.js`);
  if (!js) return undefined;
  const start = js.indexOf(`${className}.attributeTypeMap = `);
  if (start < 0) return undefined;
  const open = js.indexOf('[', start);
  const close = js.indexOf('];', open);
  const attributes = JSON.parse(js.slice(open, close + 1)) as {
    baseName: string;
    type: string;
    format: string;
  }[];
  const declaration = readText(`${className}.d.ts`) ?? '';
  const docs = new Map<string, { description?: string; required: boolean }>();
  const field = /(?:\/\*\*\n((?:\s*\*.*\n)*?)\s*\*\/\n)?\s*'([^']+)'(\??): /g;
  for (let match = field.exec(declaration); match; match = field.exec(declaration)) {
    const description = match[1]
      ?.split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, ''))
      .join(' ');
    docs.set(match[2] ?? '', {
      description: description ? unescapeDoc(description) : undefined,
      required: match[3] !== '?',
    });
  }
  const classDoc = /\/\*\*\n\* ([^\n]*)\n\*\/\nexport declare class/.exec(declaration);
  const fields = new Map<string, ModelField>();
  for (const attribute of attributes) {
    const doc = docs.get(attribute.baseName);
    fields.set(attribute.baseName, {
      name: attribute.baseName,
      type: attribute.type,
      format: attribute.format,
      description: doc?.description,
      required: doc?.required ?? false,
    });
  }
  return { className, description: classDoc?.[1] ? unescapeDoc(classDoc[1]) : undefined, fields };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The client-node class of a served kind: `CoreV1Event` before `V1Event`, as client-node names collisions. */
export function kindClassName(group: string, version: string, kind: string): string | undefined {
  const v = capitalize(version);
  const prefix = group === '' ? 'Core' : capitalize(group.split('.')[0] ?? '');
  for (const candidate of [`${prefix}${v}${kind}`, `${v}${kind}`]) {
    if (loadModel(candidate)) return candidate;
  }
  return undefined;
}

/** `V1DeploymentStrategy` → `{ version: 'v1', kind: 'DeploymentStrategy', prefix: '' }`. */
export function splitClassName(className: string): { prefix: string; version: string; kind: string } {
  const match = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z].*)$/.exec(className);
  if (!match) return { prefix: '', version: '', kind: className };
  return {
    prefix: (match[1] ?? '').toLowerCase(),
    version: (match[2] ?? '').toLowerCase(),
    kind: match[3] ?? '',
  };
}
