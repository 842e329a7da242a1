import {
  applySchemaDefaults,
  prune,
  type StructuralSchema,
  validateAgainstSchema,
} from '../openapi/structural-schema.js';
import type { KubeObject, ResourceInfo, StatusCause } from '../types.js';
import { invalid } from './status-errors.js';

/** The openAPIV3Schema of the CRD version an object is written in, if its CRD gives one. */
export function customSchemaOf(info: ResourceInfo, apiVersion: string): StructuralSchema | undefined {
  if (!info.custom) return undefined;
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return info.schemas?.[version] as StructuralSchema | undefined;
}

/**
 * What the custom resource handler does with every object it stores: prunes what the schema does not declare,
 * applies its defaults and validates it (422 Invalid with each cause), in place. Returns the pruned paths.
 */
export function applyCustomSchema(info: ResourceInfo, object: KubeObject): string[] {
  const schema = customSchemaOf(info, object.apiVersion);
  if (!schema) return [];
  const dropped: string[] = [];
  const pruned = prune(object, schema, '', dropped, true) as KubeObject;
  for (const key of Object.keys(object))
    if (!(key in pruned)) delete (object as Record<string, unknown>)[key];
  Object.assign(object, pruned);
  applySchemaDefaults(object, schema);
  const causes: Array<Required<StatusCause>> = [];
  validateAgainstSchema(object, schema, '', causes);
  if (causes.length > 0) throw invalid(info.kind, info.group, object.metadata.name ?? '', causes);
  return dropped;
}
