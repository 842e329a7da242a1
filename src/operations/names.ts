/**
 * The operations bosun runs on a cluster, by the name people type and the policy uses, in the order help lists
 * them. The registry (registry.ts) must hold a descriptor for each, and nothing else: the compiler checks it.
 */
export const OPERATION_NAMES = [
  'nodes',
  'versions',
  'cordon',
  'uncordon',
  'drain',
  'maintain',
  'backup now',
  'backup list',
  'backup show',
  'backup verify',
  'backup status',
  'backup schedule set',
  'backup schedule list',
  'backup schedule delete',
  'restore',
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];
