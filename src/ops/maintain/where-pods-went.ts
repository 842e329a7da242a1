import type { PodInventory } from '../../ports/pod-inventory.js';
import type { MaintainState } from './maintain-state.js';

/** Where one owner's pods run now, after some left the maintained node. */
export interface PodMoves {
  namespace: string;
  owner: string;
  /** How many of its pods left the node. */
  moved: number;
  /** Nodes its pods run on now, with how many each. */
  now: Record<string, number>;
}

/** For every owner whose pods the drain evicted: the nodes its pods run on now. */
export async function wherePodsWent(
  pods: PodInventory,
  state: MaintainState,
  signal?: AbortSignal,
): Promise<PodMoves[]> {
  const evicted = (state.drain?.nodes ?? []).flatMap((n) => n.pods).filter((p) => p.evictedAt !== undefined);
  if (evicted.length === 0) return [];
  const all = await pods.listPods({}, signal);
  const moves = new Map<string, PodMoves>();
  for (const pod of evicted) {
    if (!pod.ownerUid || !pod.owner) continue;
    const entry = moves.get(pod.ownerUid) ?? {
      namespace: pod.namespace,
      owner: pod.owner,
      moved: 0,
      now: {},
    };
    entry.moved += 1;
    moves.set(pod.ownerUid, entry);
  }
  for (const pod of all) {
    const entry = pod.controller ? moves.get(pod.controller.uid) : undefined;
    if (!entry || !pod.nodeName || pod.deletionTimestamp !== undefined) continue;
    entry.now[pod.nodeName] = (entry.now[pod.nodeName] ?? 0) + 1;
  }
  return [...moves.values()].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.owner.localeCompare(b.owner),
  );
}
