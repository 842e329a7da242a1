import type { IncomingMessage } from 'node:http';
import { type KubeObject, type ResourceInfo, StatusError } from '../types.js';
import { isJsonObject } from './json-value.js';
import { invalid } from './status-errors.js';

/** `--max-request-body-bytes` default (k8s.io/apiserver pkg/server/config.go: 3 * 1024 * 1024). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;
/** core.MaxSecretSize: what a ConfigMap's or Secret's data may total. */
export const MAX_DATA_BYTES = 1024 * 1024;

/** handlers/rest.go limitedReadBody → apierrors.NewRequestEntityTooLargeError. */
export function requestEntityTooLarge(limit: number): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `Request entity too large: limit is ${limit}`,
    reason: 'RequestEntityTooLarge',
    code: 413,
  });
}

/**
 * Reads a request body, keeping at most `limit` bytes: the rest is read and dropped (so the client can finish
 * sending and read the answer), and the read fails with 413 once the body is over the limit.
 */
export async function readLimitedBody(req: IncomingMessage, limit = MAX_REQUEST_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  let over = false;
  for await (const chunk of req) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (over) continue;
    length += buffer.length;
    if (length > limit) {
      over = true;
      chunks.length = 0;
      continue;
    }
    chunks.push(buffer);
  }
  if (over) throw requestEntityTooLarge(limit);
  return Buffer.concat(chunks);
}

/**
 * The Secret's conversion to the internal type: `stringData` is written into `data` (base64) and is never stored.
 * Then ValidateConfigMap / ValidateSecret's size rule: values (decoded) over 1 MiB in total are refused.
 */
export function checkDataLimits(info: ResourceInfo, object: KubeObject): void {
  if (info.group !== '') return;
  if (info.resource === 'secrets') {
    mergeStringData(object);
    const total = sumValues(object.data, true);
    if (total > MAX_DATA_BYTES) throw tooLong(info, object, 'data');
  } else if (info.resource === 'configmaps') {
    const total = sumValues(object.data, false) + sumValues(object.binaryData, true);
    // field.NewPath("") prints as `[]`: the error is about the whole object.
    if (total > MAX_DATA_BYTES) throw tooLong(info, object, '[]');
  }
}

function tooLong(info: ResourceInfo, object: KubeObject, field: string): StatusError {
  return invalid(info.kind, info.group, object.metadata.name ?? '', [
    { reason: 'FieldValueTooLong', message: `Too long: must have at most ${MAX_DATA_BYTES} bytes`, field },
  ]);
}

function mergeStringData(secret: KubeObject): void {
  const stringData = secret.stringData;
  if (stringData === undefined) return;
  delete secret.stringData;
  if (!isJsonObject(stringData)) return;
  const data = isJsonObject(secret.data) ? secret.data : {};
  for (const [key, value] of Object.entries(stringData)) {
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  }
  secret.data = data;
}

function sumValues(map: unknown, base64: boolean): number {
  if (!isJsonObject(map)) return 0;
  let total = 0;
  for (const value of Object.values(map)) {
    if (typeof value !== 'string') continue;
    total += base64 ? Buffer.from(value, 'base64').length : Buffer.byteLength(value, 'utf8');
  }
  return total;
}
