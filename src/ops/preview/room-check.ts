import type { NodeCapacity } from '../../ports/node-capacity.js';
import type { PodSummary } from '../../ports/pod-inventory.js';
import { type Exclusion, exclusionOf } from './node-eligibility.js';

/** Nodes left out for one reason. */
export interface ExcludedNodes {
  exclusion: Exclusion;
  nodes: string[];
}

/** Pods that no node may take, for the same reasons: each node counted once, by the first reason it fails. */
export interface StrandedPods {
  /** `namespace/name`. */
  pods: string[];
  /** In the order of `Exclusion`, taints by key; every node of the cluster is in one entry. */
  excluded: ExcludedNodes[];
}

/**
 * Whether the pods a drain evicts fit on the nodes they may be scheduled on, by requests against allocatable.
 * A pod may use a node that is not being drained, not cordoned, Ready, whose NoSchedule/NoExecute taints it
 * tolerates and that its nodeSelector and required node affinity match (src/ops/preview/node-eligibility.ts).
 * Pods of one drain may differ in that: `nodes` and `free` cover the nodes at least one of them may use, so
 * capacity no moving pod could use is never counted, and `requested` the pods that may use at least one.
 */
export interface RoomCheck {
  /** Every moving pod has a place. */
  fits: boolean;
  /** Pods whose controller will recreate them elsewhere. */
  pods: number;
  /** Nodes at least one of those pods may be scheduled on. */
  nodes: string[];
  /** Requests of the pods that may be scheduled on at least one node. */
  requested: { cpuMillis: number; memoryBytes: number };
  /** Allocatable left on `nodes`. */
  free: { cpuMillis: number; memoryBytes: number };
  /** `namespace/name` of pods that may use some node but find no room on any. */
  unplaced: string[];
  /** Pods no node may take at all, grouped by why. */
  stranded: StrandedPods[];
}

const finished = (pod: PodSummary) => pod.phase === 'Succeeded' || pod.phase === 'Failed';
const podName = (pod: PodSummary) => `${pod.namespace}/${pod.name}`;

const ORDER: readonly Exclusion['reason'][] = [
  'being-drained',
  'cordoned',
  'not-ready',
  'tainted',
  'no-match',
];
const exclusionKey = (e: Exclusion) => (e.reason === 'tainted' ? `tainted ${e.taint}` : e.reason);

function excludedNodes(exclusions: ReadonlyMap<string, Exclusion>): ExcludedNodes[] {
  const byKey = new Map<string, ExcludedNodes>();
  for (const [node, exclusion] of exclusions) {
    const key = exclusionKey(exclusion);
    const entry = byKey.get(key) ?? { exclusion, nodes: [] };
    entry.nodes.push(node);
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      ORDER.indexOf(a.exclusion.reason) - ORDER.indexOf(b.exclusion.reason) ||
      exclusionKey(a.exclusion).localeCompare(exclusionKey(b.exclusion)),
  );
}

/**
 * Places the replacements first-fit, largest CPU request first, each on the node with the most CPU left among
 * those it may use, counting the pods per node. A rough answer on purpose: the scheduler also weighs preferred
 * affinity and spreading, which a drain preview does not try to predict; what it filters out, this does too.
 */
export function checkRoom(
  evicted: readonly PodSummary[],
  allPods: readonly PodSummary[],
  nodes: readonly NodeCapacity[],
  drained: ReadonlySet<string>,
): RoomCheck {
  const left = new Map<string, { node: NodeCapacity; cpu: number; memory: number; pods: number }>(
    nodes.map((node) => {
      const used = allPods.filter((p) => p.nodeName === node.name && !finished(p));
      return [
        node.name,
        {
          node,
          cpu: node.allocatable.cpuMillis - used.reduce((sum, p) => sum + p.requests.cpuMillis, 0),
          memory: node.allocatable.memoryBytes - used.reduce((sum, p) => sum + p.requests.memoryBytes, 0),
          pods: node.allocatable.pods - used.length,
        },
      ];
    }),
  );
  const moving = evicted.filter(
    (p) => p.controller !== undefined && p.controller.kind !== 'DaemonSet' && !finished(p),
  );

  const eligible = new Map<PodSummary, string[]>();
  const usable = new Set<string>();
  const stranded = new Map<string, StrandedPods>();
  for (const pod of moving) {
    const exclusions = new Map<string, Exclusion>();
    const mayUse: string[] = [];
    for (const node of nodes) {
      const exclusion = exclusionOf(pod, node, drained);
      if (exclusion) exclusions.set(node.name, exclusion);
      else mayUse.push(node.name);
    }
    if (mayUse.length > 0) {
      eligible.set(pod, mayUse);
      for (const name of mayUse) usable.add(name);
      continue;
    }
    const excluded = excludedNodes(exclusions);
    const key = excluded.map((e) => `${exclusionKey(e.exclusion)}:${e.nodes.join(',')}`).join(';');
    const group = stranded.get(key) ?? { pods: [], excluded };
    group.pods.push(podName(pod));
    stranded.set(key, group);
  }

  const usableNodes = nodes.filter((n) => usable.has(n.name));
  const free = { cpuMillis: 0, memoryBytes: 0 };
  for (const node of usableNodes) {
    const room = left.get(node.name);
    free.cpuMillis += Math.max(0, room?.cpu ?? 0);
    free.memoryBytes += Math.max(0, room?.memory ?? 0);
  }
  const placeable = [...eligible.keys()];
  const requested = {
    cpuMillis: placeable.reduce((sum, p) => sum + p.requests.cpuMillis, 0),
    memoryBytes: placeable.reduce((sum, p) => sum + p.requests.memoryBytes, 0),
  };

  const unplaced: string[] = [];
  const order = [...placeable].sort(
    (a, b) => b.requests.cpuMillis - a.requests.cpuMillis || b.requests.memoryBytes - a.requests.memoryBytes,
  );
  for (const pod of order) {
    const target = (eligible.get(pod) ?? [])
      .map((name) => left.get(name))
      .filter(
        (c): c is NonNullable<typeof c> =>
          c !== undefined &&
          c.cpu >= pod.requests.cpuMillis &&
          c.memory >= pod.requests.memoryBytes &&
          c.pods >= 1,
      )
      .sort((a, b) => b.cpu - a.cpu || a.node.name.localeCompare(b.node.name))[0];
    if (!target) {
      unplaced.push(podName(pod));
      continue;
    }
    target.cpu -= pod.requests.cpuMillis;
    target.memory -= pod.requests.memoryBytes;
    target.pods -= 1;
  }
  return {
    fits: unplaced.length === 0 && stranded.size === 0,
    pods: moving.length,
    nodes: usableNodes.map((n) => n.name),
    requested,
    free,
    unplaced,
    stranded: [...stranded.values()],
  };
}
