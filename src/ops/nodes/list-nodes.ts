import type { NodeReader, NodeSummary } from '../../ports/cluster.js';
import type { Clock } from '../../shared/clock.js';
import { humanDuration } from '../../shared/human-duration.js';

/** One line of `kubectl get nodes`: NAME STATUS ROLES AGE VERSION. */
export interface NodeRow {
  name: string;
  status: string;
  roles: string;
  age: string;
  version: string;
}

/** Ready, NotReady (False or Unknown) or Unknown (no condition), plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: NodeSummary): string {
  const base = node.ready === 'True' ? 'Ready' : node.ready === undefined ? 'Unknown' : 'NotReady';
  return node.unschedulable ? `${base},SchedulingDisabled` : base;
}

/** Roles from `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`, sorted; `<none>` if none. */
export function nodeRoles(labels: Record<string, string>): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(labels)) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (key === 'kubernetes.io/role' && value) roles.add(value);
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

export function nodeRow(node: NodeSummary, now: number): NodeRow {
  return {
    name: node.name,
    status: nodeStatus(node),
    roles: nodeRoles(node.labels),
    age: humanDuration(now - node.createdAt),
    version: node.kubeletVersion,
  };
}

/** The cluster's nodes as the maintenance notes show them, sorted by name like kubectl. */
export async function listNodes(cluster: NodeReader, clock: Clock, signal?: AbortSignal): Promise<NodeRow[]> {
  const nodes = await cluster.listNodes(signal);
  const now = clock.now();
  return nodes.map((n) => nodeRow(n, now)).sort((a, b) => a.name.localeCompare(b.name));
}
