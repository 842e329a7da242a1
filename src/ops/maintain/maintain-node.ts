import type { Checkpoint } from '../../ports/checkpoint.js';
import type { OperatorDecision, OperatorDecisions } from '../../ports/operator-decisions.js';
import type { PodInventory } from '../../ports/pod-inventory.js';
import type { DrainListener } from '../drain/drain-listener.js';
import { drainNodes } from '../drain/drain-nodes.js';
import type { DrainOptions, DrainPorts } from '../drain/drain-ports.js';
import { type OwnerReplacements, replacementsOf } from '../drain/replacements.js';
import { nap } from '../drain/waiter.js';
import { BosunError, ParkedError } from '../errors.js';
import type { MaintainState } from './maintain-state.js';

export interface MaintainListener {
  drain?: DrainListener;
  /** The node is drained and cordoned: the thread says so and offers "maintenance done". */
  readyForMaintenance?(state: MaintainState): Promise<void> | void;
  /** "maintenance done" was clicked; bosun now waits for the node to be Ready. */
  maintenanceDone?(state: MaintainState): Promise<void> | void;
}

export interface MaintainRun {
  signal: AbortSignal;
  listener?: MaintainListener;
  decisions?: OperatorDecisions;
  checkpoint?: Checkpoint<MaintainState>;
  resume?: MaintainState;
  /**
   * While it waits for "maintenance done", stop with a ParkedError (state saved) instead of polling, so the job
   * can wait without holding a worker; it runs again when someone clicks, or at the deadline.
   */
  park?: boolean;
}

export interface MaintainOptions {
  node: string;
  drain: Omit<DrainOptions, 'nodes'>;
  /** How long to wait for the node to report Ready after "maintenance done" (default 30 min). */
  readyTimeoutMs?: number;
  /** How often to look for the button and for readiness (default 1 s). */
  pollMs?: number;
  /** How long to wait for "maintenance done" before giving up, the node left cordoned (default 24 h). */
  maintenanceTimeoutMs?: number;
}

export interface MaintainReport {
  state: MaintainState;
  /** Where the evicted pods' replacements run, and whether they are Ready. */
  replacements: OwnerReplacements[];
}

/**
 * The maintenance procedure of the cluster notes, as one request: drain → "ready for maintenance" → a person
 * says the work is done → wait until the node is Ready → uncordon → where the pods went and how long it took.
 * A drain that does not finish stops it there, the node left cordoned (or uncordoned on abort), as a drain would.
 */
export async function maintainNode(
  ports: DrainPorts,
  options: MaintainOptions,
  run: MaintainRun,
): Promise<MaintainReport> {
  const { clock } = ports;
  const state: MaintainState = run.resume ?? {
    v: 1,
    node: options.node,
    phase: 'draining',
    startedAt: clock.now(),
  };
  const save = async () => {
    await run.checkpoint?.save(structuredClone(state));
  };
  const poll = options.pollMs ?? 1000;

  if (state.phase === 'draining') {
    const drain = await drainNodes(
      ports,
      { ...options.drain, nodes: [options.node] },
      {
        signal: run.signal,
        listener: run.listener?.drain,
        decisions: run.decisions,
        resume: state.drain,
        checkpoint: {
          save: async (drainState) => {
            state.drain = drainState;
            await save();
          },
        },
      },
    );
    state.drain = drain;
    const outcome = drain.nodes[0]?.outcome;
    if (outcome !== 'drained') {
      state.phase = 'stopped';
      state.stoppedBecause = `the drain ended ${outcome ?? 'early'}`;
      await save();
      return { state, replacements: await whereTheyWent(ports.pods, state, run.signal) };
    }
    state.phase = 'awaiting-maintenance';
    await save();
  }

  if (state.phase === 'awaiting-maintenance') {
    if (state.announcedAt === undefined) {
      state.announcedAt = clock.now();
      await save();
      await run.listener?.readyForMaintenance?.(state);
    }
    const deadline = (state.announcedAt ?? clock.now()) + (options.maintenanceTimeoutMs ?? 24 * 3_600_000);
    const decision = await waitForDecision(run, clock, poll, deadline);
    if (decision === undefined) {
      state.phase = 'stopped';
      state.stoppedBecause = `nobody said maintenance was done within ${Math.round((deadline - (state.announcedAt ?? deadline)) / 3_600_000)} h; the node stays cordoned`;
      await save();
      return { state, replacements: await whereTheyWent(ports.pods, state, run.signal) };
    }
    if (decision.kind === 'abort') {
      await ports.nodes.setUnschedulable(options.node, false, run.signal);
      state.phase = 'stopped';
      state.stoppedBecause = `aborted by ${decision.by}`;
      state.uncordonedAt = clock.now();
      await save();
      return { state, replacements: await whereTheyWent(ports.pods, state, run.signal) };
    }
    state.doneAt = clock.now();
    state.doneBy = decision.by;
    state.phase = 'waiting-ready';
    await save();
    await run.listener?.maintenanceDone?.(state);
  }

  if (state.phase === 'waiting-ready') {
    const deadline = (state.doneAt ?? clock.now()) + (options.readyTimeoutMs ?? 30 * 60_000);
    for (;;) {
      const node = await ports.nodes.readNode(options.node, run.signal);
      if (!node)
        throw new BosunError('NODE_GONE', `Node \`${options.node}\` no longer exists; nothing to uncordon.`);
      if (node.ready === 'True') break;
      if (clock.now() >= deadline) {
        state.phase = 'stopped';
        state.stoppedBecause = `the node was not Ready ${Math.round((options.readyTimeoutMs ?? 1_800_000) / 60_000)} minutes after maintenance`;
        await save();
        return { state, replacements: await whereTheyWent(ports.pods, state, run.signal) };
      }
      if (!(await nap(clock, poll, run.signal))) throw run.signal.reason;
    }
    state.readyAt = clock.now();
    await ports.nodes.setUnschedulable(options.node, false, run.signal);
    state.uncordonedAt = clock.now();
    state.phase = 'done';
    await save();
  }
  return { state, replacements: await whereTheyWent(ports.pods, state, run.signal) };
}

/**
 * Waits for "maintenance done" (or "abort") until `deadline` (undefined then); other decisions do not apply any
 * more and are dropped. A run that may park stops with a ParkedError when nothing is there yet.
 */
async function waitForDecision(
  run: MaintainRun,
  clock: DrainPorts['clock'],
  poll: number,
  deadline: number,
): Promise<Extract<OperatorDecision, { kind: 'maintenance-done' | 'abort' }> | undefined> {
  for (;;) {
    if (run.signal.aborted) throw run.signal.reason;
    try {
      for (const decision of (await run.decisions?.take(run.signal)) ?? []) {
        if (decision.kind === 'maintenance-done' || decision.kind === 'abort') return decision;
      }
    } catch {
      // Redis trouble: look again at the next poll.
    }
    if (clock.now() >= deadline) return undefined;
    if (run.park) throw new ParkedError(deadline, '"maintenance done"');
    if (!(await nap(clock, Math.min(poll, deadline - clock.now()), run.signal))) throw run.signal.reason;
  }
}

/** The drained pods' replacements as they are at the end of the maintenance. */
async function whereTheyWent(
  pods: PodInventory,
  state: MaintainState,
  signal: AbortSignal,
): Promise<OwnerReplacements[]> {
  const nodes = state.drain?.nodes ?? [];
  if (!nodes.some((n) => n.pods.some((p) => p.evictedAt !== undefined))) return [];
  return replacementsOf(nodes, await pods.listPods({}, signal));
}
