import type { PodInventory, PodPhase, PodSummary } from '../../ports/pod-inventory.js';
import type { Clock } from '../../shared/clock.js';
import type { DrainedPod, NodeDrain } from './drain-state.js';
import { nap } from './waiter.js';

/** A pod that took an evicted pod's place: where it runs and whether it serves. */
export interface Replacement {
  namespace: string;
  name: string;
  node?: string;
  phase: PodPhase;
  ready: boolean;
  /** Why it does not serve yet, in the cluster's words: the scheduler's message, or a container's waiting reason. */
  why?: string;
}

/** One owner whose pods a drain evicted, and the pods its controller made in their place. */
export interface OwnerReplacements {
  namespace: string;
  /** `ReplicaSet/web-5d9c7b`. */
  owner: string;
  /** How many of its pods left the drained nodes. */
  evicted: number;
  /** Newest first, at most `evicted` of them. */
  replacements: Replacement[];
}

const NOT_SCHEDULED = 'Pending, not scheduled yet';

/** Creation times have a resolution of one second; an eviction's own replacement is never older than this. */
const CREATION_SLACK_MS = 1000;

const left = (pod: DrainedPod) => pod.evictedAt !== undefined || pod.state === 'deleted';

/**
 * For every controller whose pods left the drained nodes: its pods created since the first of them was sent
 * away, elsewhere, not being deleted, newest first, as many as left. Bare pods have no one to replace them and
 * are not listed; DaemonSet pods are not evicted.
 */
export function replacementsOf(
  nodes: readonly NodeDrain[],
  pods: readonly PodSummary[],
  failedScheduling: ReadonlyMap<string, string> = new Map(),
): OwnerReplacements[] {
  const drained = new Set(nodes.map((n) => n.node));
  const gone = nodes.flatMap((n) => n.pods).filter((p) => left(p) && p.ownerUid && p.owner);
  const goneUids = new Set(nodes.flatMap((n) => n.pods).map((p) => p.uid));
  const owners = new Map<string, { entry: OwnerReplacements; since: number }>();
  for (const pod of gone) {
    const uid = pod.ownerUid as string;
    const sent = pod.sentAt ?? pod.evictedAt ?? 0;
    const known = owners.get(uid);
    if (known) {
      known.entry.evicted += 1;
      known.since = Math.min(known.since, sent);
    } else {
      owners.set(uid, {
        entry: { namespace: pod.namespace, owner: pod.owner as string, evicted: 1, replacements: [] },
        since: sent,
      });
    }
  }
  const candidates = pods
    .filter((p) => p.controller && owners.has(p.controller.uid))
    .filter((p) => !goneUids.has(p.uid) && p.deletionTimestamp === undefined)
    .filter((p) => !(p.nodeName && drained.has(p.nodeName)))
    .sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
  for (const pod of candidates) {
    const known = owners.get(pod.controller?.uid ?? '');
    if (!known || known.entry.replacements.length >= known.entry.evicted) continue;
    if (pod.createdAt < known.since - CREATION_SLACK_MS) continue;
    known.entry.replacements.push(replacementOf(pod, failedScheduling.get(pod.uid)));
  }
  return [...owners.values()]
    .map((o) => o.entry)
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.owner.localeCompare(b.owner));
}

/**
 * A pod as "where is it and does it serve", with the cluster's reason when it does not: for a pod Pending
 * without a node, the scheduler's FailedScheduling Event when there is one, else its PodScheduled condition.
 */
export function replacementOf(pod: PodSummary, failedScheduling?: string): Replacement {
  const scheduler = failedScheduling ?? pod.unschedulable;
  const why = pod.ready
    ? undefined
    : pod.phase === 'Pending' && !pod.nodeName
      ? scheduler
        ? `Pending: ${scheduler}`
        : NOT_SCHEDULED
      : (pod.waiting ?? (pod.phase === 'Running' ? 'Running, not Ready yet' : `${pod.phase}, not Ready`));
  return {
    namespace: pod.namespace,
    name: pod.name,
    node: pod.nodeName,
    phase: pod.phase,
    ready: pod.ready,
    ...(why === undefined ? {} : { why }),
  };
}

/** At most this many FailedScheduling lookups per look, so a broken cluster's Pending crowd costs little. */
const MAX_SCHEDULING_LOOKUPS = 20;

/** The FailedScheduling messages of those of `pods` Pending without a node, by uid (none without Events). */
export async function failedSchedulingOf(
  inventory: PodInventory,
  pods: readonly PodSummary[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const messages = new Map<string, string>();
  if (!inventory.failedScheduling) return messages;
  const pending = pods.filter((p) => p.phase === 'Pending' && !p.nodeName && !p.ready);
  for (const pod of pending.slice(0, MAX_SCHEDULING_LOOKUPS)) {
    const message = await inventory.failedScheduling(pod, signal);
    if (message) messages.set(pod.uid, message);
  }
  return messages;
}

/** The drained pods' replacements, those Pending explained by the scheduler's FailedScheduling Events. */
async function explainedReplacements(
  inventory: PodInventory,
  nodes: readonly NodeDrain[],
  pods: readonly PodSummary[],
  signal?: AbortSignal,
): Promise<OwnerReplacements[]> {
  const owners = replacementsOf(nodes, pods);
  const named = new Set(
    owners.flatMap((o) => o.replacements.filter((r) => !r.ready).map((r) => `${r.namespace}/${r.name}`)),
  );
  const candidates = pods.filter((p) => named.has(`${p.namespace}/${p.name}`));
  const messages = await failedSchedulingOf(inventory, candidates, signal);
  return messages.size === 0 ? owners : replacementsOf(nodes, pods, messages);
}

/** Every evicted pod has a Ready replacement. */
export const allReady = (owners: readonly OwnerReplacements[]) =>
  owners.every((o) => o.replacements.length >= o.evicted && o.replacements.every((r) => r.ready));

/** Nothing will change soon by waiting: every replacement not Ready is one the scheduler found no node for. */
const settled = (owners: readonly OwnerReplacements[]) =>
  owners.every(
    (o) =>
      o.replacements.length >= o.evicted &&
      o.replacements.every(
        (r) => r.ready || (r.phase === 'Pending' && r.node === undefined && r.why !== NOT_SCHEDULED),
      ),
  );

export interface ReplacementWait {
  /** How long to wait for the replacements to become Ready (default 30 s). */
  waitMs?: number;
  /** How often to look (default 1 s). */
  pollMs?: number;
  signal: AbortSignal;
  /** Called once, when the first look finds replacements not Ready yet and waiting begins. */
  onWait?: (owners: OwnerReplacements[], waitMs: number) => Promise<void> | void;
}

/**
 * Where the drained pods' replacements are, once they are all Ready, once the scheduler has said it has no node
 * for the rest, or after `waitMs`, whichever comes first: the summary tells what is true then.
 */
export async function awaitReplacements(
  pods: PodInventory,
  nodes: readonly NodeDrain[],
  clock: Clock,
  options: ReplacementWait,
): Promise<OwnerReplacements[]> {
  if (!nodes.some((n) => n.pods.some(left))) return [];
  const deadline = clock.now() + (options.waitMs ?? 30_000);
  let owners: OwnerReplacements[] | undefined;
  let waiting = false;
  for (;;) {
    try {
      owners = await explainedReplacements(
        pods,
        nodes,
        await pods.listPods({}, options.signal),
        options.signal,
      );
    } catch (error) {
      // The drain is over: a failed look at its replacements leaves the summary without them, not the drain failed.
      if (owners) return owners;
      throw error;
    }
    if (allReady(owners) || settled(owners) || clock.now() >= deadline) return owners;
    if (!waiting) {
      waiting = true;
      await options.onWait?.(owners, deadline - clock.now());
    }
    const pause = Math.min(options.pollMs ?? 1000, deadline - clock.now());
    if (!(await nap(clock, pause, options.signal))) return owners;
  }
}
