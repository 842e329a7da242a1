import { setMaxListeners } from 'node:events';
import type { Checkpoint } from '../../ports/checkpoint.js';
import type { OperatorDecision, OperatorDecisions } from '../../ports/operator-decisions.js';
import { requireNodes } from '../cordon/require-nodes.js';
import { CancelledError } from '../errors.js';
import { CheckpointSaver } from './checkpoint-saver.js';
import type { DecisionEffect } from './decision-effect.js';
import type { DrainListener } from './drain-listener.js';
import type { DrainOptions, DrainPorts } from './drain-ports.js';
import { drainProgress } from './drain-progress.js';
import {
  type DrainedPod,
  type DrainState,
  FINAL_POD_STATES,
  type NodeDrain,
  newDrainState,
  reconcileRecord,
} from './drain-state.js';
import { DrainAborted, DrainDeadline } from './drain-stop.js';
import { NodeDrainer } from './node-drainer.js';
import { selectPods } from './select-pods.js';
import { nap } from './waiter.js';

export interface DrainRun {
  /** Aborted on cancel (reason CancelledError) or shutdown (any other reason: the drain checkpoints and throws it). */
  signal: AbortSignal;
  listener?: DrainListener;
  decisions?: OperatorDecisions;
  checkpoint?: Checkpoint<DrainState>;
  /** The state a previous worker recorded: continue from it. */
  resume?: DrainState;
}

function toRecord(pod: {
  namespace: string;
  name: string;
  uid: string;
  controller?: { kind: string; name: string; uid: string };
}): DrainedPod {
  return {
    namespace: pod.namespace,
    name: pod.name,
    uid: pod.uid,
    owner: pod.controller ? `${pod.controller.kind}/${pod.controller.name}` : undefined,
    ownerUid: pod.controller?.uid,
    state: 'pending',
    refusals: 0,
  };
}

/** How long a first eviction waits for its record to be saved before it is sent anyway. */
const RECORD_WAIT_MS = 2000;

/**
 * `kubectl drain <nodes…>`, faster: cordon every node, then for each node in turn select its pods with
 * kubectl's filters and evict them all at once, retrying budget-blocked pods when their budget moves. A node
 * refused by the filters or left with pods at its timeout stays cordoned; the next node is drained anyway, as
 * kubectl does. Returns the final state; the caller reports it.
 */
export async function drainNodes(
  ports: DrainPorts,
  options: DrainOptions,
  run: DrainRun,
): Promise<DrainState> {
  const { clock } = ports;
  const resumed = run.resume !== undefined;
  const state: DrainState = run.resume
    ? { ...run.resume, runs: run.resume.runs + 1 }
    : newDrainState(options.nodes, clock.now());
  if (!resumed) await requireNodes(ports.nodeList, ports.nodes, options.nodes, run.signal);

  const saver = new CheckpointSaver(run.checkpoint, () => state, clock);
  const stop = new AbortController();
  // Every pod's wait listens to the drain's signal: hundreds of listeners are expected, not a leak.
  setMaxListeners(0, stop.signal);
  const forward = () => stop.abort(run.signal.reason);
  if (run.signal.aborted) forward();
  else run.signal.addEventListener('abort', forward, { once: true });

  if (run.resume) {
    await reconcileResumed(ports, state, run.signal);
    saver.request();
    await run.listener?.resumed?.(state);
  }

  let current: { drainer: NodeDrainer; drain: NodeDrain } | undefined;
  const applyDecision = async (decision: OperatorDecision): Promise<void> => {
    let effect: DecisionEffect;
    if (decision.kind === 'abort') {
      stop.abort(new DrainAborted(decision.by));
      effect = { kind: 'aborting' };
    } else if (decision.kind === 'maintenance-done') {
      return;
    } else if (!current) {
      effect = { kind: 'no-node-draining', pod: decision.pod };
    } else {
      try {
        effect = await current.drainer.decide(
          decision.kind,
          decision.pod.namespace,
          decision.pod.name,
          decision.by,
        );
      } catch (error) {
        effect = {
          kind: 'failed',
          pod: decision.pod,
          error: error instanceof Error ? error.message : String(error),
        };
      }
    }
    await run.listener?.decided?.(decision, effect);
  };

  const polling = pollDecisions(
    run.decisions,
    clock,
    options.decisionPollMs ?? 500,
    stop.signal,
    applyDecision,
  );
  try {
    for (const drain of state.nodes) {
      if (drain.cordonedAt !== undefined || stop.signal.aborted) continue;
      const node = await ports.nodes.readNode(drain.node, stop.signal);
      const already = node?.unschedulable === true;
      if (!already) await ports.nodes.setUnschedulable(drain.node, true, stop.signal);
      drain.wasSchedulable = !already;
      drain.cordonedAt = clock.now();
      saver.request();
      await run.listener?.cordoned?.(drain.node, already);
    }

    for (const [index, drain] of state.nodes.entries()) {
      if (drain.outcome !== undefined || stop.signal.aborted) continue;
      drain.startedAt ??= clock.now();
      if (!drain.selected) {
        const pods = await ports.pods.listPods(
          { node: drain.node, labelSelector: options.podSelector },
          stop.signal,
        );
        const selection = await selectPods(pods, {
          force: options.force,
          deleteEmptyDirData: options.deleteEmptyDirData,
          ignoreDaemonSets: options.ignoreDaemonSets,
          skipWaitForDeleteTimeoutSeconds: options.skipWaitForDeleteTimeoutSeconds ?? 0,
          now: clock.now(),
          daemonSet: (namespace, name) => ports.pods.daemonSet(namespace, name, stop.signal),
        });
        drain.warnings = selection.warnings;
        drain.errors = selection.errors;
        drain.skippedSilently = selection.skipped.length;
        drain.pods = selection.errors.length > 0 ? [] : selection.evict.map(toRecord);
        drain.selected = true;
        // Recorded before the first eviction, so a worker that takes over knows what this drain set out to do.
        await saver.flush();
        await run.listener?.selected?.(drain);
        if (selection.errors.length > 0) {
          drain.outcome = 'refused';
          drain.finishedAt = clock.now();
          await run.listener?.nodeFinished?.(drain);
          continue;
        }
      }

      const nodeStop = new AbortController();
      setMaxListeners(0, nodeStop.signal);
      const onStop = () => nodeStop.abort(stop.signal.reason);
      if (stop.signal.aborted) onStop();
      else stop.signal.addEventListener('abort', onStop, { once: true });
      const deadline = new AbortController();
      const remaining = drain.startedAt + options.timeoutSeconds * 1000 - clock.now();
      clock.sleep(Math.max(0, remaining), deadline.signal).then(
        () => nodeStop.abort(new DrainDeadline(options.timeoutSeconds)),
        () => undefined,
      );
      let blocked = 0;
      const drainer: NodeDrainer = new NodeDrainer(ports, options, drain, nodeStop.signal, {
        recorded: () => saver.flushWithin(RECORD_WAIT_MS),
        changed: () => {
          blocked = drainer.blockedCount;
          saver.request();
          void Promise.resolve(
            run.listener?.progress?.(drainProgress(drain, index + 1, state.nodes.length, blocked)),
          ).catch(() => undefined);
        },
        stuck: async (stuck) => {
          await run.listener?.stuck?.(stuck);
        },
      });
      current = { drainer, drain };
      try {
        await drainer.run();
      } finally {
        current = undefined;
        deadline.abort();
        stop.signal.removeEventListener('abort', onStop);
      }
      const reason: unknown = nodeStop.signal.reason;
      drain.finishedAt = clock.now();
      drain.outcome = nodeOutcome(drain, reason);
      saver.request();
      if (!nodeStop.signal.aborted || reason instanceof DrainDeadline)
        await run.listener?.nodeFinished?.(drain);
    }

    const reason: unknown = stop.signal.reason;
    if (reason instanceof DrainAborted) {
      state.abortedBy = reason.by;
      for (const drain of state.nodes) {
        drain.outcome ??= 'aborted';
        if (drain.outcome === 'cancelled') drain.outcome = 'aborted';
        if (drain.wasSchedulable && drain.cordonedAt !== undefined) {
          await ports.nodes.setUnschedulable(drain.node, false, run.signal);
        }
      }
    } else if (reason instanceof CancelledError) {
      for (const drain of state.nodes) drain.outcome ??= 'cancelled';
    } else if (stop.signal.aborted) {
      throw reason;
    }
    return state;
  } finally {
    stop.abort(new CancelledError());
    run.signal.removeEventListener('abort', forward);
    await polling;
    await saver.flush();
    saver.close();
  }
}

/**
 * A resumed drain first looks at the cluster: pods its predecessor evicted may be gone or terminating by now,
 * and an eviction it sent may have been accepted without its answer being recorded.
 */
async function reconcileResumed(ports: DrainPorts, state: DrainState, signal: AbortSignal): Promise<void> {
  for (const drain of state.nodes) {
    if (!drain.selected || drain.outcome !== undefined) continue;
    if (drain.pods.every((p) => FINAL_POD_STATES.has(p.state))) continue;
    const live = new Map((await ports.pods.listPods({ node: drain.node }, signal)).map((p) => [p.uid, p]));
    const now = ports.clock.now();
    for (const pod of drain.pods) reconcileRecord(pod, live.get(pod.uid), now);
  }
}

function nodeOutcome(drain: NodeDrain, stopReason: unknown): NodeDrain['outcome'] {
  if (stopReason instanceof DrainAborted) return 'aborted';
  if (stopReason instanceof CancelledError) return 'cancelled';
  if (stopReason instanceof DrainDeadline) return 'failed';
  if (stopReason !== undefined) return undefined;
  return drain.pods.some((p) => p.state === 'failed' || p.state === 'timed-out') ? 'failed' : 'drained';
}

async function pollDecisions(
  decisions: OperatorDecisions | undefined,
  clock: DrainPorts['clock'],
  intervalMs: number,
  stop: AbortSignal,
  apply: (decision: OperatorDecision) => Promise<void>,
): Promise<void> {
  if (!decisions) return;
  while (!stop.aborted) {
    try {
      for (const decision of await decisions.take(stop)) await apply(decision);
    } catch {
      // Redis trouble: the next poll tries again; the drain goes on meanwhile.
    }
    if (!(await nap(clock, intervalMs, stop))) return;
  }
}
