import { type Field, readFields } from '../http/delete-options.js';
import { badRequest } from '../registry/status-errors.js';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

type Json = Record<string, unknown>;
/** A message's field numbers → JSON names, with the decoder of each (authentication/v1, authorization/v1 .proto). */
type Shape = Record<number, [string, 'string' | 'strings' | 'int64' | Shape]>;

const RESOURCE_ATTRIBUTES: Shape = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
};
const NON_RESOURCE_ATTRIBUTES: Shape = { 1: ['path', 'string'], 2: ['verb', 'string'] };
const ACCESS_SPEC: Shape = {
  1: ['resourceAttributes', RESOURCE_ATTRIBUTES],
  2: ['nonResourceAttributes', NON_RESOURCE_ATTRIBUTES],
  3: ['user', 'string'],
  4: ['groups', 'strings'],
  6: ['uid', 'string'],
};

/** The `spec` (field 2) of each review kind and of TokenRequest. */
const SPECS: Readonly<Record<string, Shape>> = {
  selfsubjectaccessreviews: ACCESS_SPEC,
  subjectaccessreviews: ACCESS_SPEC,
  localsubjectaccessreviews: ACCESS_SPEC,
  selfsubjectrulesreviews: { 1: ['namespace', 'string'] },
  tokenreviews: { 1: ['token', 'string'], 2: ['audiences', 'strings'] },
  selfsubjectreviews: {},
  serviceaccounts: { 1: ['audiences', 'strings'], 4: ['expirationSeconds', 'int64'] },
};

function decode(fields: Field[], shape: Shape): Json {
  const out: Json = {};
  for (const field of fields) {
    const entry = shape[field.number];
    if (!entry) continue;
    const [name, type] = entry;
    if (type === 'int64' && field.varint !== undefined) out[name] = Number(BigInt.asIntN(64, field.varint));
    else if (type === 'string' && field.bytes) out[name] = Buffer.from(field.bytes).toString('utf8');
    else if (type === 'strings' && field.bytes)
      out[name] = [...((out[name] as string[]) ?? []), Buffer.from(field.bytes).toString('utf8')];
    else if (typeof type === 'object' && field.bytes) out[name] = decode(readFields(field.bytes), type);
  }
  return out;
}

/**
 * kubectl 1.32+ sends these bodies as protobuf (`k8s\0` + runtime.Unknown whose raw field is the message). Only the
 * spec fields the sim reads are decoded; metadata is ignored.
 */
export function decodeProtobufReview(resource: string, body: Uint8Array): Json {
  const shape = SPECS[resource];
  if (!shape || !MAGIC.every((byte, index) => body[index] === byte))
    throw badRequest('the body of the request was not a valid protobuf message');
  try {
    const raw = readFields(body.subarray(4)).find((field) => field.number === 2)?.bytes;
    if (!raw) return {};
    const spec = readFields(raw).find((field) => field.number === 2)?.bytes;
    return { spec: spec ? decode(readFields(spec), shape) : {} };
  } catch {
    throw badRequest('the body of the request was not a valid protobuf message');
  }
}
