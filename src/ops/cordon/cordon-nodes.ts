import type { NodeReader } from '../../ports/cluster.js';
import type { NodeScheduling } from '../../ports/node-scheduling.js';
import { requireNodes } from './require-nodes.js';

export interface CordonResult {
  node: string;
  /** kubectl's line: `node/worker-1 cordoned`, `node/worker-1 already uncordoned`. */
  line: string;
  changed: boolean;
}

/**
 * `kubectl cordon|uncordon <nodes…>`: every node must exist (else nothing changes, with a "did you mean");
 * a node already in the wanted state is left alone and said so.
 */
export async function cordonNodes(
  ports: { nodes: NodeScheduling; nodeList: NodeReader },
  names: readonly string[],
  unschedulable: boolean,
  signal?: AbortSignal,
): Promise<CordonResult[]> {
  const nodes = await requireNodes(ports.nodeList, ports.nodes, names, signal);
  const verb = unschedulable ? 'cordoned' : 'uncordoned';
  const results: CordonResult[] = [];
  for (const node of nodes) {
    if (node.unschedulable === unschedulable) {
      results.push({ node: node.name, line: `node/${node.name} already ${verb}`, changed: false });
      continue;
    }
    await ports.nodes.setUnschedulable(node.name, unschedulable, signal);
    results.push({ node: node.name, line: `node/${node.name} ${verb}`, changed: true });
  }
  return results;
}
