import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';

let library: typeof protobuf | undefined;

/** protobufjs, loaded with the schema on the first protobuf body: a simulator nobody sends one to never pays for it. */
function protobufjs(): typeof protobuf {
  library ??= createRequire(import.meta.url)('protobufjs') as typeof protobuf;
  return library;
}

/** The magic number before every Kubernetes protobuf body (apimachinery `runtime/serializer/protobuf/protobuf.go`). */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

interface Schema {
  source: string;
  inline: Record<string, string[]>;
  root: protobuf.INamespace;
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const RUNTIME = 'k8s.io.apimachinery.pkg.runtime';

let loaded: { root: protobuf.Root; inline: Map<string, Set<string>> } | undefined;

/** Kubernetes' generated.proto definitions (scripts/k8s-protobuf-schema.ts), parsed on first use. */
function schema(): { root: protobuf.Root; inline: Map<string, Set<string>> } {
  if (!loaded) {
    const data = JSON.parse(readFileSync(new URL('./k8s-schema.json', import.meta.url), 'utf8')) as Schema;
    loaded = {
      root: protobufjs().Root.fromJSON(data.root),
      inline: new Map(Object.entries(data.inline).map(([type, fields]) => [type, new Set(fields)])),
    };
  }
  return loaded;
}

/** `apps/v1` → `k8s.io.api.apps.v1`; the core group is `core`, `internal.apiserver.k8s.io` `apiserverinternal`. */
function protoPackage(apiVersion: string): string | undefined {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  if (!version) return undefined;
  if (group === 'meta.k8s.io') return `k8s.io.apimachinery.pkg.apis.meta.${version}`;
  if (group === 'internal.apiserver.k8s.io') return `k8s.io.api.apiserverinternal.${version}`;
  const name = group === '' ? 'core' : group.split('.')[0];
  return `k8s.io.api.${name}.${version}`;
}

/** The message of a built-in kind (meta/v1 kinds such as DeleteOptions are registered in every group version). */
export function messageType(apiVersion: string, kind: string): protobuf.Type | undefined {
  const { root } = schema();
  for (const pkg of [protoPackage(apiVersion), META]) {
    if (!pkg || !kind) continue;
    const found = root.lookup(`${pkg}.${kind}`);
    if (found instanceof protobufjs().Type) return found;
  }
  return undefined;
}

export class ProtobufDecodeError extends Error {}

/** The envelope: magic, then runtime.Unknown{typeMeta{apiVersion,kind}, raw, contentEncoding, contentType}. */
export function decodeEnvelope(body: Uint8Array): { apiVersion: string; kind: string; raw: Uint8Array } {
  if (
    body.length < PROTOBUF_MAGIC.length ||
    !PROTOBUF_MAGIC.equals(body.subarray(0, PROTOBUF_MAGIC.length))
  ) {
    throw new ProtobufDecodeError(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  }
  if (body.length === PROTOBUF_MAGIC.length) throw new ProtobufDecodeError('empty body');
  const unknownType = schema().root.lookupType(`${RUNTIME}.Unknown`);
  const unknown = unknownType.decode(body.subarray(PROTOBUF_MAGIC.length)) as unknown as {
    typeMeta?: { apiVersion?: string; kind?: string };
    raw?: Uint8Array;
  };
  return {
    apiVersion: unknown.typeMeta?.apiVersion ?? '',
    kind: unknown.typeMeta?.kind ?? '',
    raw: unknown.raw ?? new Uint8Array(),
  };
}

/**
 * A protobuf request body as the JSON object the registry works on, or undefined when its kind has no message
 * here (the caller answers 415). Zero Times and empty strings are left out, as Go's `omitempty` JSON would.
 */
export function decodeObject(body: Uint8Array): Record<string, unknown> | undefined {
  const envelope = decodeEnvelope(body);
  const type = messageType(envelope.apiVersion, envelope.kind);
  if (!type) return undefined;
  const message = type.decode(envelope.raw);
  return {
    apiVersion: envelope.apiVersion,
    kind: envelope.kind,
    ...messageToJson(type, message as unknown as Record<string, unknown>),
  };
}

type Json = unknown;

function messageToJson(type: protobuf.Type, message: Record<string, unknown>): Record<string, Json> {
  const out: Record<string, Json> = {};
  const inline = schema().inline.get(type.fullName.slice(1));
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(message, field.name)) continue;
    const value = message[field.name];
    if (value === null || value === undefined) continue;
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      // A map's empty string is a value too (a label `node-role.kubernetes.io/worker: ""`).
      out[field.name] = Object.fromEntries(
        entries.map(([key, entry]) => [key, entry === '' ? '' : valueToJson(field, entry)]),
      );
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length === 0) continue;
      // A list's empty string is a value (`apiGroups: [""]`, the core group), not an absent field.
      out[field.name] = items.map((item) => (item === '' ? '' : valueToJson(field, item)));
    } else {
      const converted = valueToJson(field, value);
      if (converted === undefined) continue;
      if (inline?.has(field.name) && typeof converted === 'object') Object.assign(out, converted);
      else out[field.name] = converted;
    }
  }
  return out;
}

function valueToJson(field: protobuf.Field, value: unknown): Json {
  const resolved = field.resolvedType;
  if (resolved instanceof protobufjs().Type) return special(resolved, value as Record<string, unknown>);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'object' && value !== null) return Number(String(value)); // a Long (int64)
  return value;
}

const int = (value: unknown): number => (value === undefined ? 0 : Number(String(value)));

function special(type: protobuf.Type, message: Record<string, unknown>): Json {
  switch (type.fullName.slice(1)) {
    case `${META}.Time`:
    case `${META}.MicroTime`: {
      const seconds = int(message.seconds);
      const nanos = int(message.nanos);
      if (seconds === 0 && nanos === 0) return undefined;
      const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
      return type.name === 'MicroTime'
        ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`
        : `${iso}Z`;
    }
    case `${META}.Duration`:
      return goDuration(int(message.duration));
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return typeof message.string === 'string' && message.string !== '' ? message.string : undefined;
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return int(message.type) === 1 ? (message.strVal ?? '') : int(message.intVal);
    case `${META}.FieldsV1`:
      return rawJson(message.Raw);
    case `${RUNTIME}.RawExtension`:
      return rawJson(message.raw);
    default:
      return messageToJson(type, message);
  }
}

/** RawExtension and FieldsV1 carry JSON bytes (or a nested protobuf object, decoded the same way). */
function rawJson(raw: unknown): Json {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  if (PROTOBUF_MAGIC.equals(raw.subarray(0, PROTOBUF_MAGIC.length))) return decodeObject(raw);
  return JSON.parse(Buffer.from(raw).toString('utf8'));
}

/** Go's time.Duration.String() for whole units (`1h0m0s`, `30s`, `1.5s`). */
function goDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  const sign = nanoseconds < 0 ? '-' : '';
  let rest = Math.abs(nanoseconds);
  if (rest < 1e9) {
    if (rest < 1e3) return `${sign}${rest}ns`;
    if (rest < 1e6) return `${sign}${rest / 1e3}µs`;
    return `${sign}${rest / 1e6}ms`;
  }
  const hours = Math.floor(rest / 3.6e12);
  rest -= hours * 3.6e12;
  const minutes = Math.floor(rest / 6e10);
  rest -= minutes * 6e10;
  const seconds = `${rest / 1e9}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/**
 * A JSON object of a built-in kind as the API server's protobuf serializer writes it: the magic, then
 * runtime.Unknown{typeMeta, raw}; undefined when its kind has no message here (the caller answers JSON).
 */
export function encodeObject(object: Record<string, unknown>): Uint8Array | undefined {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const type = messageType(apiVersion, kind);
  if (!type) return undefined;
  const raw = type.encode(jsonToMessage(type, object)).finish();
  const unknownType = schema().root.lookupType(`${RUNTIME}.Unknown`);
  const envelope = unknownType.encode({ typeMeta: { apiVersion, kind }, raw }).finish();
  return Buffer.concat([PROTOBUF_MAGIC, envelope]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonToMessage(type: protobuf.Type, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const inline = schema().inline.get(type.fullName.slice(1));
  for (const field of type.fieldsArray) {
    if (inline?.has(field.name)) {
      // An inlined struct's fields sit in the parent's JSON (a Volume's VolumeSource).
      const resolved = field.resolvedType;
      if (resolved instanceof protobufjs().Type) out[field.name] = jsonToMessage(resolved, json);
      continue;
    }
    const value = json[field.name];
    if (value === null || value === undefined) continue;
    if (field.map) {
      if (!isRecord(value)) continue;
      out[field.name] = Object.fromEntries(
        Object.entries(value).map(([key, entry]) => [key, valueToMessage(field, entry)]),
      );
    } else if (field.repeated) {
      if (Array.isArray(value)) out[field.name] = value.map((item) => valueToMessage(field, item));
    } else {
      out[field.name] = valueToMessage(field, value);
    }
  }
  return out;
}

function valueToMessage(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobufjs().Type) return specialToMessage(resolved, value);
  if (field.type === 'bytes') return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
  return value;
}

function timeToMessage(value: unknown): { seconds: number; nanos: number } {
  const text = String(value);
  const ms = Date.parse(text);
  const fraction = /\.(\d+)Z$/.exec(text)?.[1] ?? '';
  return {
    seconds: Math.floor(ms / 1000),
    nanos: fraction ? Number(fraction.padEnd(9, '0').slice(0, 9)) : 0,
  };
}

/** Go's time.ParseDuration for the units Kubernetes objects carry (`1h0m0s`, `30s`, `1.5s`, `500ms`). */
function parseGoDuration(text: string): number {
  const units: Record<string, number> = { h: 3.6e12, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, µs: 1e3, ns: 1 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([\d.]+)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(amount) * (units[unit ?? 's'] ?? 0);
  }
  return Math.round(text.startsWith('-') ? -total : total);
}

function specialToMessage(type: protobuf.Type, value: unknown): unknown {
  switch (type.fullName.slice(1)) {
    case `${META}.Time`:
    case `${META}.MicroTime`:
      return timeToMessage(value);
    case `${META}.Duration`:
      return { duration: parseGoDuration(String(value)) };
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { string: String(value) };
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return typeof value === 'string' ? { type: 1, strVal: value } : { type: 0, intVal: Number(value) };
    case `${META}.FieldsV1`:
      return { Raw: Buffer.from(JSON.stringify(value)) };
    case `${RUNTIME}.RawExtension`:
      return { raw: Buffer.from(JSON.stringify(value)) };
    default:
      return isRecord(value) ? jsonToMessage(type, value) : {};
  }
}
