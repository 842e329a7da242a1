import type { ClusterPorts } from '../cluster-ports.js';
import type { LocksFresh } from './hold-locks.js';

/**
 * The cluster's ports with every change to the cluster (cordon, uncordon, evict, delete) waiting on `fresh`
 * first: a worker acts only while its locks are known to be held. Reads go straight through.
 */
export function guardMutations(ports: ClusterPorts, fresh: LocksFresh): ClusterPorts {
  const { nodes, evictions } = ports;
  return {
    ...ports,
    nodes: {
      readNode: (name, signal) => nodes.readNode(name, signal),
      setUnschedulable: async (name, unschedulable, signal) => {
        await fresh();
        return await nodes.setUnschedulable(name, unschedulable, signal);
      },
    },
    evictions: {
      evict: async (pod, gracePeriodSeconds, signal) => {
        await fresh();
        return await evictions.evict(pod, gracePeriodSeconds, signal);
      },
      deletePod: async (pod, gracePeriodSeconds, signal) => {
        await fresh();
        return await evictions.deletePod(pod, gracePeriodSeconds, signal);
      },
    },
  };
}
