import { z } from 'zod';
import { badRequest } from '../registry/status-errors.js';
import type { DeleteOptions } from '../types.js';

const PROTOBUF_MAGIC = [0x6b, 0x38, 0x73, 0x00];

export interface Field {
  number: number;
  wireType: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

/** Reads protobuf fields (varint and length-delimited; enough for runtime.Unknown and DeleteOptions). */
export function readFields(buffer: Uint8Array): Field[] {
  const fields: Field[] = [];
  let offset = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  };
  while (offset < buffer.length) {
    const tag = Number(readVarint());
    const number = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === 0) fields.push({ number, wireType, varint: readVarint() });
    else if (wireType === 2) {
      const length = Number(readVarint());
      if (offset + length > buffer.length) throw new Error('truncated field');
      fields.push({ number, wireType, bytes: buffer.subarray(offset, offset + length) });
      offset += length;
    } else if (wireType === 1) offset += 8;
    else if (wireType === 5) offset += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
  }
  return fields;
}

const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : '');

/**
 * Decodes the protobuf DeleteOptions client-go's typed clients send (`kubectl drain --disable-eviction`):
 * magic `k8s\0`, a runtime.Unknown whose raw field holds the DeleteOptions message (contract 1.5).
 */
export function decodeProtobufDeleteOptions(body: Uint8Array): DeleteOptions {
  if (body.length === 0) return {};
  if (!PROTOBUF_MAGIC.every((byte, index) => body[index] === byte)) {
    throw badRequest('the body of the request was not a valid protobuf message');
  }
  try {
    const unknown = readFields(body.subarray(4));
    const raw = unknown.find((field) => field.number === 2)?.bytes;
    const options: DeleteOptions = {};
    if (!raw) return options;
    const dryRun: string[] = [];
    for (const field of readFields(raw)) {
      if (field.number === 1 && field.varint !== undefined)
        options.gracePeriodSeconds = Number(BigInt.asIntN(64, field.varint));
      if (field.number === 2 && field.bytes) {
        const preconditions: { uid?: string; resourceVersion?: string } = {};
        for (const inner of readFields(field.bytes)) {
          if (inner.number === 1) preconditions.uid = text(inner.bytes);
          if (inner.number === 2) preconditions.resourceVersion = text(inner.bytes);
        }
        options.preconditions = preconditions;
      }
      if (field.number === 3 && field.varint !== undefined) {
        options.propagationPolicy = field.varint === 0n ? 'Background' : 'Orphan';
      }
      if (field.number === 4 && field.bytes) {
        const policy = text(field.bytes);
        if (policy === 'Orphan' || policy === 'Background' || policy === 'Foreground')
          options.propagationPolicy = policy;
      }
      if (field.number === 5 && field.bytes) dryRun.push(text(field.bytes));
    }
    if (dryRun.length > 0) options.dryRun = dryRun.includes('All');
    return options;
  } catch (error) {
    throw badRequest(
      `unable to decode protobuf DeleteOptions: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

const deleteOptionsBodySchema = z.looseObject({
  gracePeriodSeconds: z.number().int().optional(),
  propagationPolicy: z.enum(['Orphan', 'Background', 'Foreground']).optional(),
  orphanDependents: z.boolean().optional(),
  preconditions: z.object({ uid: z.string().optional(), resourceVersion: z.string().optional() }).optional(),
  dryRun: z.array(z.string()).optional(),
});

/** DeleteOptions from a JSON body (`{"propagationPolicy":"Background","gracePeriodSeconds":0}`); bad fields are a 400. */
export function deleteOptionsFromJson(body: unknown): DeleteOptions & { dryRunValues?: string[] } {
  if (body === undefined || body === null) return {};
  const parsed = deleteOptionsBodySchema.safeParse(body);
  if (!parsed.success) throw badRequest(`invalid DeleteOptions: ${z.prettifyError(parsed.error)}`);
  const record = parsed.data;
  const options: DeleteOptions & { dryRunValues?: string[] } = {};
  if (record.gracePeriodSeconds !== undefined) options.gracePeriodSeconds = record.gracePeriodSeconds;
  if (record.propagationPolicy) options.propagationPolicy = record.propagationPolicy;
  if (record.orphanDependents === true) options.propagationPolicy = 'Orphan';
  if (record.preconditions) options.preconditions = record.preconditions;
  if (record.dryRun) options.dryRunValues = record.dryRun;
  return options;
}
