import { type KubeObject, type Registry, StatusError } from '../types.js';

const leases = { group: 'coordination.k8s.io', resource: 'leases' };

/** metav1.MicroTime: RFC 3339 with microseconds, as Lease.spec.renewTime is written. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * The kubelet's heartbeat: the Lease `kube-node-lease/<node>`, created on first beat and renewed after that.
 * A stopped kubelet stops renewing, so its lease goes stale as on a real cluster.
 */
export async function renewNodeLease(registry: Registry, node: KubeObject, now: number): Promise<void> {
  const name = node.metadata.name ?? '';
  const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(now) };
  try {
    const lease = await registry.get(leases, 'kube-node-lease', name);
    await registry.update(leases, 'kube-node-lease', { ...lease, spec: { ...lease.spec, ...spec } });
  } catch (error) {
    if (!(error instanceof StatusError && error.code === 404)) throw error;
    await registry.create(leases, 'kube-node-lease', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace: 'kube-node-lease',
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }],
      },
      spec,
    });
  }
}
