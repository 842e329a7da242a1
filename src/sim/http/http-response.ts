import type { ServerResponse } from 'node:http';
import { internalError } from '../registry/status-errors.js';
import { type Status, StatusError } from '../types.js';

/** Compact JSON (never pretty-printed: client-node's watch splits on newlines). */
export function writeJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Writes an already encoded protobuf body (`application/vnd.kubernetes.protobuf`). */
export function writeProtobuf(res: ServerResponse, code: number, body: Uint8Array): void {
  res.writeHead(code, {
    'Content-Type': 'application/vnd.kubernetes.protobuf',
    'Content-Length': body.byteLength,
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}

/** Writes a Status with its code, and `Retry-After` when it carries retryAfterSeconds > 0 (`ErrorNegotiated`). */
export function writeStatus(res: ServerResponse, status: Status): void {
  const retryAfter = status.details?.retryAfterSeconds;
  if (retryAfter && retryAfter > 0) res.setHeader('Retry-After', String(retryAfter));
  writeJson(res, status.code, status);
}

export function toStatus(error: unknown): Status {
  if (error instanceof StatusError) return error.status;
  return internalError(error instanceof Error ? error.message : String(error)).status;
}
