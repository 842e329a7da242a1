import type { NodeCapacity, Taint } from '../../ports/node-capacity.js';
import type { PodSummary, Toleration } from '../../ports/pod-inventory.js';

/** Whether the pods a drain evicts fit on the nodes that may still take them, by requests against allocatable. */
export interface RoomCheck {
  fits: boolean;
  /** Pods whose controller will recreate them elsewhere. */
  pods: number;
  /** Nodes that may take them: Ready, schedulable, not being drained. */
  nodes: string[];
  requested: { cpuMillis: number; memoryBytes: number };
  free: { cpuMillis: number; memoryBytes: number };
  /** `namespace/name` of pods no node has room for. */
  unplaced: string[];
}

export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

const finished = (pod: PodSummary) => pod.phase === 'Succeeded' || pod.phase === 'Failed';

/**
 * Places the replacements first-fit, largest CPU request first, each on the candidate with the most CPU left,
 * honouring NoSchedule/NoExecute taints and the pod count. A rough answer on purpose: the scheduler also
 * weighs affinity and spreading, which a drain preview does not try to predict.
 */
export function checkRoom(
  evicted: readonly PodSummary[],
  allPods: readonly PodSummary[],
  nodes: readonly NodeCapacity[],
  drained: ReadonlySet<string>,
): RoomCheck {
  const candidates = nodes
    .filter((n) => n.ready && !n.unschedulable && !drained.has(n.name))
    .map((node) => {
      const used = allPods.filter((p) => p.nodeName === node.name && !finished(p));
      return {
        node,
        cpu: node.allocatable.cpuMillis - used.reduce((sum, p) => sum + p.requests.cpuMillis, 0),
        memory: node.allocatable.memoryBytes - used.reduce((sum, p) => sum + p.requests.memoryBytes, 0),
        pods: node.allocatable.pods - used.length,
      };
    });
  const free = {
    cpuMillis: candidates.reduce((sum, c) => sum + Math.max(0, c.cpu), 0),
    memoryBytes: candidates.reduce((sum, c) => sum + Math.max(0, c.memory), 0),
  };
  const moving = evicted.filter(
    (p) => p.controller !== undefined && p.controller.kind !== 'DaemonSet' && !finished(p),
  );
  const requested = {
    cpuMillis: moving.reduce((sum, p) => sum + p.requests.cpuMillis, 0),
    memoryBytes: moving.reduce((sum, p) => sum + p.requests.memoryBytes, 0),
  };
  const unplaced: string[] = [];
  const order = [...moving].sort(
    (a, b) => b.requests.cpuMillis - a.requests.cpuMillis || b.requests.memoryBytes - a.requests.memoryBytes,
  );
  for (const pod of order) {
    const fitting = candidates
      .filter(
        (c) =>
          c.cpu >= pod.requests.cpuMillis &&
          c.memory >= pod.requests.memoryBytes &&
          c.pods >= 1 &&
          c.node.taints.every(
            (taint) => taint.effect === 'PreferNoSchedule' || tolerates(pod.tolerations, taint),
          ),
      )
      .sort((a, b) => b.cpu - a.cpu || a.node.name.localeCompare(b.node.name));
    const target = fitting[0];
    if (!target) {
      unplaced.push(`${pod.namespace}/${pod.name}`);
      continue;
    }
    target.cpu -= pod.requests.cpuMillis;
    target.memory -= pod.requests.memoryBytes;
    target.pods -= 1;
  }
  return {
    fits: unplaced.length === 0,
    pods: moving.length,
    nodes: candidates.map((c) => c.node.name),
    requested,
    free,
    unplaced,
  };
}
