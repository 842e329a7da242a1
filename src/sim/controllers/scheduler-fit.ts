import { parseQuantity } from '../../shared/quantity.js';
import type { KubeObject } from '../types.js';
import { podMatchesNode } from './node-affinity.js';
import type { ResourceAmounts } from './pods.js';
import { type Taint, type Toleration, tolerated } from './tolerations.js';

/** A node as the scheduler sees it: the object and what its bound pods already request. */
export interface NodeUsage {
  node: KubeObject;
  requested: ResourceAmounts;
  /** How many pods of the incoming pod's owner already run there; used to spread replicas. */
  siblings: number;
}

/** The VolumeBinding filter for one node: undefined when the pod's volumes can be used there, else the reason. */
export type VolumeFilter = (node: KubeObject) => string | undefined;

export type FitResult = { fits: true; node: string } | { fits: false; message: string };

/** Why one node was rejected, and whether evicting lower-priority pods could ever change that. */
interface Rejection {
  reasons: string[];
  resolvableByPreemption: boolean;
}

const unschedulableTaint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

function allocatable(node: KubeObject): ResourceAmounts {
  const status: Record<string, string> = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    cpu: parseQuantity(status.cpu ?? '0') ?? 0,
    memory: parseQuantity(status.memory ?? '0') ?? 0,
    pods: parseQuantity(status.pods ?? '110') ?? 110,
  };
}

/** The default profile's filters in their order; a node fails at the first one, resources may list several. */
function filterNode(
  pod: KubeObject,
  request: ResourceAmounts,
  usage: NodeUsage,
  volumes: VolumeFilter | undefined,
): Rejection | undefined {
  const { node } = usage;
  const tolerations: Toleration[] = pod.spec?.tolerations ?? [];
  if (node.spec?.unschedulable === true && !tolerated(tolerations, unschedulableTaint)) {
    return { reasons: ['node(s) were unschedulable'], resolvableByPreemption: false };
  }
  const taints: Taint[] = node.spec?.taints ?? [];
  const blocking = taints.find(
    (taint) =>
      (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerated(tolerations, taint),
  );
  if (blocking) {
    return {
      reasons: [`node(s) had untolerated taint {${blocking.key}: ${blocking.value ?? ''}}`],
      resolvableByPreemption: false,
    };
  }
  if (!podMatchesNode(pod, node)) {
    return { reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvableByPreemption: false };
  }
  const capacity = allocatable(node);
  const reasons: string[] = [];
  let resolvable = true;
  const check = (name: keyof ResourceAmounts, reason: string) => {
    if (request[name] === 0 && name !== 'pods') return;
    if (usage.requested[name] + request[name] > capacity[name] + 1e-9) {
      reasons.push(reason);
      if (request[name] > capacity[name] + 1e-9) resolvable = false;
    }
  };
  check('pods', 'Too many pods');
  check('cpu', 'Insufficient cpu');
  check('memory', 'Insufficient memory');
  if (reasons.length > 0) return { reasons, resolvableByPreemption: resolvable };
  // VolumeBinding: UnschedulableAndUnresolvable, so preemption cannot help.
  const volumeReason = volumes?.(node);
  return volumeReason ? { reasons: [volumeReason], resolvableByPreemption: false } : undefined;
}

/**
 * The FitError text when a PreFilter plugin (VolumeBinding: a missing or deleted claim, unbound immediate
 * claims) rejected the pod before any node was looked at: its message instead of the per-node histogram.
 */
export function preFilterFailureMessage(nodeCount: number, message: string): string {
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  return (
    `0/${nodeCount} nodes are available: ${message}. ` +
    `preemption: 0/${nodeCount} nodes are available: ${nodeCount} Preemption is not helpful for scheduling.`
  );
}

function histogram(counts: Map<string, number>): string {
  return [...counts.entries()]
    .map(([reason, count]) => `${count} ${reason}`)
    .sort()
    .join(', ');
}

/** The FitError text kube-scheduler writes into `PodScheduled=False/Unschedulable`, preemption note included. */
function fitErrorMessage(nodeCount: number, rejections: Rejection[]): string {
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const rejection of rejections) {
    for (const reason of rejection.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    // Every pod the simulator runs has the same priority, so preemption never finds victims.
    const verdict = rejection.resolvableByPreemption
      ? 'No preemption victims found for incoming pod'
      : 'Preemption is not helpful for scheduling';
    preemption.set(verdict, (preemption.get(verdict) ?? 0) + 1);
  }
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  return (
    `0/${nodeCount} nodes are available: ${histogram(reasons)}. ` +
    `preemption: 0/${nodeCount} nodes are available: ${histogram(preemption)}.`
  );
}

function load(usage: NodeUsage): number {
  const capacity = allocatable(usage.node);
  const share = (used: number, of: number) => (of > 0 ? used / of : 1);
  return (
    share(usage.requested.cpu, capacity.cpu) +
    share(usage.requested.memory, capacity.memory) +
    share(usage.requested.pods, capacity.pods)
  );
}

/**
 * Chooses a node for `pod`, or explains why none fits with kube-scheduler's message. Among the nodes that
 * fit, replicas of the same owner are spread first, then the least loaded node wins, then the name, so the
 * same cluster always schedules the same way.
 */
export function fitPod(
  pod: KubeObject,
  request: ResourceAmounts,
  nodes: readonly NodeUsage[],
  volumes?: VolumeFilter,
): FitResult {
  const feasible: NodeUsage[] = [];
  const rejections: Rejection[] = [];
  for (const usage of nodes) {
    const rejection = filterNode(pod, request, usage, volumes);
    if (rejection) rejections.push(rejection);
    else feasible.push(usage);
  }
  if (feasible.length === 0) return { fits: false, message: fitErrorMessage(nodes.length, rejections) };
  feasible.sort(
    (a, b) =>
      a.siblings - b.siblings ||
      load(a) - load(b) ||
      (a.node.metadata.name ?? '').localeCompare(b.node.metadata.name ?? ''),
  );
  const [best] = feasible;
  return { fits: true, node: best?.node.metadata.name ?? '' };
}
