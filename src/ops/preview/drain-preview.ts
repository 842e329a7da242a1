import type { NodeReader } from '../../ports/cluster.js';
import type { BudgetSummary, DisruptionBudgets } from '../../ports/disruption-budgets.js';
import type { NodeCapacities } from '../../ports/node-capacity.js';
import type { NodeScheduling } from '../../ports/node-scheduling.js';
import type { PodInventory, PodSummary } from '../../ports/pod-inventory.js';
import { requireNodes } from '../cordon/require-nodes.js';
import { budgetsOf } from '../drain/budget-selects.js';
import type { DrainOptions } from '../drain/drain-ports.js';
import { type PodGroupMessage, selectPods } from '../drain/select-pods.js';
import { checkRoom, type RoomCheck } from './room-check.js';

export interface PreviewPorts {
  nodes: NodeScheduling;
  nodeList: NodeReader;
  pods: PodInventory;
  budgets: DisruptionBudgets;
  capacity: NodeCapacities;
}

/** Pods of one owner that the drain evicts. */
export interface OwnerGroup {
  namespace: string;
  /** `ReplicaSet/web-5d9c7`, or `no controller`. */
  owner: string;
  pods: string[];
}

export interface NodePreview {
  node: string;
  alreadyCordoned: boolean;
  groups: OwnerGroup[];
  warnings: PodGroupMessage[];
  /** Why kubectl (and bosun) would refuse to drain this node. */
  errors: PodGroupMessage[];
}

/** One budget the drain touches: whether it lets every selected pod go now, or makes the drain wait. */
export interface BudgetImpact {
  namespace: string;
  name: string;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
  /** Pods of this budget the drain will evict. */
  evicting: number;
  /** `blocks`: allows no disruption now; `serializes`: fewer than the pods to evict, so they go in turn. */
  effect: 'blocks' | 'serializes' | 'allows';
}

export interface DrainPreview {
  nodes: NodePreview[];
  budgets: BudgetImpact[];
  room: RoomCheck;
  /** Pods selected for eviction, all nodes together. */
  evicting: number;
}

function groupByOwner(pods: readonly PodSummary[]): OwnerGroup[] {
  const groups = new Map<string, OwnerGroup>();
  for (const pod of pods) {
    const owner = pod.controller ? `${pod.controller.kind}/${pod.controller.name}` : 'no controller';
    const key = `${pod.namespace}\u0000${owner}`;
    const group = groups.get(key) ?? { namespace: pod.namespace, owner, pods: [] };
    group.pods.push(pod.name);
    groups.set(key, group);
  }
  return [...groups.values()].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.owner.localeCompare(b.owner),
  );
}

function impact(budget: BudgetSummary, evicting: number): BudgetImpact {
  const allowed = budget.upToDate ? budget.disruptionsAllowed : 0;
  return {
    namespace: budget.namespace,
    name: budget.name,
    minAvailable: budget.minAvailable,
    maxUnavailable: budget.maxUnavailable,
    currentHealthy: budget.currentHealthy,
    desiredHealthy: budget.desiredHealthy,
    disruptionsAllowed: budget.disruptionsAllowed,
    evicting,
    effect: allowed === 0 ? 'blocks' : allowed < evicting ? 'serializes' : 'allows',
  };
}

/**
 * What `drain` would do, changing nothing: the pods it evicts grouped by owner (kubectl's filters decide),
 * what it ignores or refuses, which budgets make it wait and how many disruptions each allows now, and
 * whether the nodes left have room for the replacements. `--dry-run` shows it; the approvals card shows it
 * before anyone approves.
 */
export async function previewDrain(
  ports: PreviewPorts,
  options: Pick<DrainOptions, 'nodes' | 'force' | 'deleteEmptyDirData' | 'ignoreDaemonSets' | 'podSelector'>,
  now: number,
  signal?: AbortSignal,
): Promise<DrainPreview> {
  const nodes = await requireNodes(ports.nodeList, ports.nodes, options.nodes, signal);
  const [allPods, budgets, capacity] = await Promise.all([
    ports.pods.listPods({}, signal),
    ports.budgets.listBudgets(signal),
    ports.capacity.listNodeCapacity(signal),
  ]);
  const evicted: PodSummary[] = [];
  const previews: NodePreview[] = [];
  for (const node of nodes) {
    const onNode = await ports.pods.listPods({ node: node.name, labelSelector: options.podSelector }, signal);
    const selection = await selectPods(onNode, {
      force: options.force,
      deleteEmptyDirData: options.deleteEmptyDirData,
      ignoreDaemonSets: options.ignoreDaemonSets,
      skipWaitForDeleteTimeoutSeconds: 0,
      now,
      daemonSet: (namespace, name) => ports.pods.daemonSet(namespace, name, signal),
    });
    if (selection.errors.length === 0) evicted.push(...selection.evict);
    previews.push({
      node: node.name,
      alreadyCordoned: node.unschedulable,
      groups: groupByOwner(selection.evict),
      warnings: selection.warnings,
      errors: selection.errors,
    });
  }
  const perBudget = new Map<BudgetSummary, number>();
  for (const pod of evicted) {
    if (pod.phase !== 'Running' || pod.deletionTimestamp !== undefined) continue;
    for (const budget of budgetsOf(pod, budgets)) perBudget.set(budget, (perBudget.get(budget) ?? 0) + 1);
  }
  return {
    nodes: previews,
    budgets: [...perBudget.entries()]
      .map(([budget, count]) => impact(budget, count))
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)),
    room: checkRoom(evicted, allPods, capacity, new Set(options.nodes)),
    evicting: evicted.length,
  };
}
