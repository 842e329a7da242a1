import { z } from 'zod';
import { badRequest } from '../registry/status-errors.js';
import type { DeleteOptions } from '../types.js';
import { decodeObject } from './protobuf/k8s-protobuf.js';

/**
 * Decodes the protobuf DeleteOptions client-go's typed clients send (`kubectl drain --disable-eviction`):
 * magic `k8s\0`, a runtime.Unknown whose raw field holds the DeleteOptions message (contract 1.5), read with
 * Kubernetes' own meta/v1 definition (./protobuf).
 */
export function decodeProtobufDeleteOptions(body: Uint8Array): DeleteOptions & { dryRunValues?: string[] } {
  if (body.length === 0) return {};
  let decoded: Record<string, unknown> | undefined;
  try {
    decoded = decodeObject(body);
  } catch (error) {
    throw badRequest(
      `unable to decode protobuf DeleteOptions: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!decoded) return {};
  const { kind: _kind, apiVersion: _apiVersion, ...options } = decoded;
  return deleteOptionsFromJson(options);
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
