import type { KubeObject, ResourceInfo } from '../types.js';
import type { ResponseShape } from './media-type.js';
import type { IncludeObject } from './table/table-convertor.js';

/** Table answers in the meta.k8s.io version the client asked for (v1 or v1beta1). */
export function tableVersion<T extends { apiVersion: string }>(table: T, shape: ResponseShape): T {
  return shape.shape === 'table' && shape.version === 'v1beta1'
    ? { ...table, apiVersion: 'meta.k8s.io/v1beta1' }
    : table;
}

/** `includeObject` of a Table request; PartialObjectMetadata rows unless the client says otherwise. */
export function includeObjectOf(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

/** Custom resources served at several versions answer with the version of the request path. */
export function withVersion(object: KubeObject, info: ResourceInfo, apiVersion: string): KubeObject {
  return info.custom && object.apiVersion !== apiVersion ? { ...object, apiVersion } : object;
}
