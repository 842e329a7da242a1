import { notFound } from '../registry/status-errors.js';
import type { KubeObject } from '../types.js';

/** The Warning header a v1.31 server sends with every componentstatuses answer. */
export const COMPONENT_STATUS_WARNING = '299 - "v1 ComponentStatus is deprecated in v1.19+"';

const HEALTHY = [{ type: 'Healthy', status: 'True', message: 'ok' }];

/**
 * ComponentStatus is computed on each read by probing the control plane, never stored: no uid, resourceVersion
 * or creationTimestamp. The simulated control plane is always healthy.
 */
const COMPONENTS: ReadonlyArray<KubeObject> = ['controller-manager', 'etcd-0', 'scheduler'].map((name) =>
  Object.freeze({ kind: 'ComponentStatus', apiVersion: 'v1', metadata: { name }, conditions: HEALTHY }),
);

export function listComponentStatuses(): KubeObject[] {
  return [...COMPONENTS];
}

export function getComponentStatus(name: string): KubeObject {
  const found = COMPONENTS.find((component) => component.metadata.name === name);
  if (!found) throw notFound({ group: '', resource: 'componentstatuses' }, name);
  return found;
}
