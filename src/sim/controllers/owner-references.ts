import type { KubeObject, OwnerReference } from '../types.js';

/** The owner reference marked `controller: true`, the one drain, the PDB controller and the GC care about. */
export function controllerRefOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** The ownerReference a controller puts on what it creates. */
export function controllerRefTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Whether `object` is controlled by `owner` (same uid), as opposed to merely matching its selector. */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRefOf(object);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}
