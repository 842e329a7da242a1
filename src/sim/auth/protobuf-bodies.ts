import { decodeObject } from '../http/protobuf/k8s-protobuf.js';
import { badRequest } from '../registry/status-errors.js';

/**
 * kubectl 1.32+ sends the review kinds and TokenRequest as protobuf (`k8s\0` + runtime.Unknown): decoded with
 * the one protobuf layer (src/sim/http/protobuf) into the JSON the reviews read.
 */
export function decodeProtobufReview(_resource: string, body: Uint8Array): Record<string, unknown> {
  let decoded: Record<string, unknown> | undefined;
  try {
    decoded = decodeObject(body);
  } catch {
    throw badRequest('the body of the request was not a valid protobuf message');
  }
  if (!decoded) throw badRequest('the body of the request was not a valid protobuf message');
  return decoded;
}
