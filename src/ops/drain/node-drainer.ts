import type { BudgetChange, BudgetSummary } from '../../ports/disruption-budgets.js';
import type { EvictionOutcome } from '../../ports/pod-eviction.js';
import type { PodSummary } from '../../ports/pod-inventory.js';
import type { PodChange } from '../../ports/pod-watch.js';
import { CancelledError } from '../errors.js';
import { budgetsOf, selectorMatches } from './budget-selects.js';
import type { DecisionEffect } from './decision-effect.js';
import type { DrainOptions, DrainPorts } from './drain-ports.js';
import {
  DELETED_IGNORING_BUDGET,
  type DrainedPod,
  FINAL_POD_STATES,
  type NodeDrain,
  reconcileRecord,
} from './drain-state.js';
import { DrainAborted, DrainDeadline } from './drain-stop.js';
import { failedSchedulingOf, type Replacement, replacementOf } from './replacements.js';
import type { StuckPod } from './stuck-pod.js';
import { nap, Waiter } from './waiter.js';

/** A pod the budget refused, waiting for a reason to try again. */
interface Blocked {
  pod: DrainedPod;
  since: number;
  message: string;
  /** When the thread is (next) told about it. */
  explainAt: number;
  waiter?: Waiter<WakeReason>;
  /** Restarts the explanation timer (after "keep waiting"). */
  rearm?: () => void;
}

type WakeReason = 'budget' | 'retry-after' | 'fallback' | 'decision' | 'stop';

interface KnownBudget {
  summary: BudgetSummary;
  /** Local sequence number of the change that brought this state. */
  seq: number;
}

export interface NodeDrainerHooks {
  /** A pod's record changed: save the checkpoint, update the card. */
  changed(): void;
  /** Saves the checkpoint now (a pod is about to be evicted for the first time); resolves within a bound. */
  recorded(): Promise<void>;
  stuck(stuck: StuckPod): Promise<void>;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/** The budget name in the API server's 429 cause: "The disruption budget web-pdb needs 2 healthy pods …". */
export function budgetNameIn(message: string): string | undefined {
  return /The disruption budget (\S+) (?:needs|is still being processed)/.exec(message)?.[1];
}

/**
 * Evicts the selected pods of one cordoned node, all at once, and waits until each is gone. A pod a budget
 * refuses waits for that budget's status to allow a disruption (a watch, not a timer); deletion is seen on a
 * watch of the node's pods. Never evicts a pod that is already terminating or gone, which is what makes a
 * resumed drain safe.
 */
export class NodeDrainer {
  private readonly live = new Map<string, PodSummary>();
  private readonly uidByName = new Map<string, string>();
  private readonly goneWaiters = new Map<string, Waiter<'gone' | 'stop'>>();
  private readonly budgets = new Map<string, KnownBudget>();
  private readonly blocked = new Map<string, Blocked>();
  private budgetSeq = 0;
  private synced = false;

  constructor(
    private readonly ports: DrainPorts,
    private readonly options: DrainOptions,
    private readonly drain: NodeDrain,
    private readonly stop: AbortSignal,
    private readonly hooks: NodeDrainerHooks,
  ) {}

  get blockedCount(): number {
    return this.blocked.size;
  }

  /** Runs until every pod is in a final state or `stop` aborts; then marks what is left. */
  async run(): Promise<void> {
    const podSub = await this.ports.podWatch.watchNodePods(
      this.drain.node,
      (change) => this.onPodChange(change),
      this.stop,
    );
    try {
      const budgetSub = await this.ports.budgets.watchBudgets(
        (change) => this.onBudgetChange(change),
        this.stop,
      );
      try {
        this.synced = true;
        for (const pod of this.drain.pods) this.reconcile(pod);
        await Promise.all(this.drain.pods.map((pod) => this.runPod(pod)));
      } finally {
        budgetSub.close();
      }
    } finally {
      podSub.close();
      for (const waiter of this.goneWaiters.values()) waiter.wake('stop');
    }
    if (this.stop.aborted) this.markUnfinished();
  }

  /** A person's decision about one pod; returns what bosun did about it. */
  async decide(
    kind: 'keep-waiting' | 'skip-pod' | 'delete-pod',
    namespace: string,
    name: string,
    by: string,
  ): Promise<DecisionEffect> {
    const ref = { namespace, name };
    const pod = this.drain.pods.find((p) => p.namespace === namespace && p.name === name);
    if (!pod) return { kind: 'not-in-drain', pod: ref };
    if (pod.state !== 'pending') return { kind: 'already-final', pod: ref, state: pod.state };
    const blocked = this.blocked.get(pod.uid);
    const now = this.ports.clock.now();
    switch (kind) {
      case 'keep-waiting':
        if (blocked) {
          blocked.explainAt = now + (this.options.stuckAfterMs ?? 60_000);
          blocked.rearm?.();
        }
        return { kind: 'kept-waiting', pod: ref };
      case 'skip-pod':
        pod.state = 'skipped';
        pod.by = by;
        pod.reason = 'left on the node by a person';
        this.unblock(pod, 'decision');
        this.hooks.changed();
        return { kind: 'skipped', pod: ref };
      case 'delete-pod': {
        pod.sentAt ??= now;
        await this.hooks.recorded();
        const result = await this.ports.evictions.deletePod(
          { namespace, name, uid: pod.uid },
          this.options.gracePeriodSeconds,
          this.stop,
        );
        if (result === 'not-found') this.markGone(pod);
        else {
          pod.state = 'deleted';
          pod.evictedAt = now;
        }
        pod.by = by;
        pod.reason = DELETED_IGNORING_BUDGET;
        this.unblock(pod, 'decision');
        this.hooks.changed();
        return { kind: 'deleted', pod: ref };
      }
    }
  }

  private onPodChange(change: PodChange): void {
    const { pod } = change;
    const name = key(pod.namespace, pod.name);
    if (change.type === 'deleted') {
      this.live.delete(pod.uid);
      if (this.uidByName.get(name) === pod.uid) this.uidByName.delete(name);
      this.goneWaiters.get(pod.uid)?.wake('gone');
      return;
    }
    const previous = this.uidByName.get(name);
    this.live.set(pod.uid, pod);
    this.uidByName.set(name, pod.uid);
    if (previous !== undefined && previous !== pod.uid) {
      // Same name, new uid (a StatefulSet replacement): the pod we evicted is gone.
      this.live.delete(previous);
      this.goneWaiters.get(previous)?.wake('gone');
    }
    if (this.synced) {
      const record = this.drain.pods.find((p) => p.uid === pod.uid);
      if (record) this.reconcile(record);
    }
  }

  private onBudgetChange(change: BudgetChange): void {
    const budgetKey = key(change.budget.namespace, change.budget.name);
    this.budgetSeq += 1;
    if (change.type === 'deleted') {
      this.budgets.delete(budgetKey);
      for (const blocked of this.waitingOn(budgetKey)) blocked.waiter?.wake('budget');
      return;
    }
    this.budgets.set(budgetKey, { summary: change.budget, seq: this.budgetSeq });
    const allowed = change.budget.upToDate ? change.budget.disruptionsAllowed : 0;
    // Wake as many of its pods as the budget allows now, longest waiting first.
    const waiting = this.waitingOn(budgetKey).sort((a, b) => a.since - b.since);
    for (const blocked of waiting.slice(0, Math.max(0, allowed))) blocked.waiter?.wake('budget');
  }

  private waitingOn(budgetKey: string): Blocked[] {
    return [...this.blocked.values()].filter(
      (b) =>
        b.waiter &&
        !b.waiter.finished &&
        b.pod.budget !== undefined &&
        key(b.pod.namespace, b.pod.budget) === budgetKey,
    );
  }

  /** Brings a record in line with what the cluster shows: gone, or terminating (evicted earlier). */
  private reconcile(pod: DrainedPod): void {
    const changed = reconcileRecord(pod, this.live.get(pod.uid), this.ports.clock.now());
    if (!changed) return;
    this.unblock(pod, 'decision');
    if (changed === 'gone') this.goneWaiters.get(pod.uid)?.wake('gone');
    this.hooks.changed();
  }

  private markGone(pod: DrainedPod): void {
    if (pod.state === 'gone') return;
    pod.state = 'gone';
    pod.goneAt = this.ports.clock.now();
    this.unblock(pod, 'decision');
    this.goneWaiters.get(pod.uid)?.wake('gone');
    this.hooks.changed();
  }

  private unblock(pod: DrainedPod, why: WakeReason): void {
    const blocked = this.blocked.get(pod.uid);
    if (!blocked) return;
    this.blocked.delete(pod.uid);
    blocked.waiter?.wake(why);
  }

  private async runPod(pod: DrainedPod): Promise<void> {
    let failures = 0;
    while (!FINAL_POD_STATES.has(pod.state) && !this.stop.aborted) {
      if (pod.state === 'pending') {
        const ok = await this.evictOnce(pod);
        failures = ok ? 0 : failures + 1;
        if (!ok) await nap(this.ports.clock, this.retryDelay(failures), this.stop);
      } else {
        await this.awaitGone(pod);
      }
    }
  }

  /**
   * After the `failures`th failed eviction request in a row: exponential from 250 ms up to 5 s, with half of
   * it random, so pods (and workers) that failed together do not retry together.
   */
  private retryDelay(failures: number): number {
    const backoff = Math.min(5000, 250 * 2 ** Math.min(failures, 5));
    return backoff / 2 + (this.options.random ?? Math.random)() * (backoff / 2);
  }

  /** One eviction attempt and what follows from its answer; false when the request itself failed. */
  private async evictOnce(pod: DrainedPod): Promise<boolean> {
    this.reconcile(pod);
    if (pod.state !== 'pending') return true;
    if (pod.sentAt === undefined) {
      pod.sentAt = this.ports.clock.now();
      await this.hooks.recorded();
      if (this.stop.aborted) return true;
      this.reconcile(pod);
      if (pod.state !== 'pending') return true;
    }
    const sentAt = this.budgetSeq;
    let outcome: EvictionOutcome;
    try {
      outcome = await this.ports.evictions.evict(pod, this.options.gracePeriodSeconds, this.stop);
    } catch {
      // Network or server trouble: try again shortly (kubectl would give up on the pod).
      return false;
    }
    if (this.stop.aborted) {
      if (outcome.kind === 'accepted') this.accepted(pod);
      return true;
    }
    switch (outcome.kind) {
      case 'accepted':
        this.accepted(pod);
        return true;
      case 'not-found':
        this.markGone(pod);
        return true;
      case 'refused':
        if (pod.state !== 'pending') return true;
        pod.state = 'failed';
        pod.reason = `error when evicting pods/"${pod.name}" -n "${pod.namespace}": ${outcome.message}`;
        this.unblock(pod, 'decision');
        this.hooks.changed();
        return true;
      case 'namespace-terminating':
        await nap(this.ports.clock, 5000, this.stop);
        return true;
      case 'blocked':
        if (pod.state !== 'pending') return true;
        await this.waitToRetry(pod, outcome, sentAt);
        return true;
    }
  }

  private accepted(pod: DrainedPod): void {
    // Even a pod someone chose to skip is evicted once the API server has accepted it: report what happened.
    pod.state = 'evicted';
    pod.evictedAt = this.ports.clock.now();
    pod.by = undefined;
    pod.reason = undefined;
    this.unblock(pod, 'decision');
    this.hooks.changed();
  }

  private async waitToRetry(
    pod: DrainedPod,
    outcome: Extract<EvictionOutcome, { kind: 'blocked' }>,
    sentAt: number,
  ): Promise<void> {
    const clock = this.ports.clock;
    const now = clock.now();
    pod.refusals += 1;
    pod.budget = outcome.budget ?? budgetNameIn(outcome.message) ?? this.budgetFor(pod)?.name;
    let blocked = this.blocked.get(pod.uid);
    if (!blocked) {
      blocked = {
        pod,
        since: now,
        message: outcome.message,
        explainAt: now + (this.options.stuckAfterMs ?? 60_000),
      };
      this.blocked.set(pod.uid, blocked);
      this.hooks.changed();
    }
    blocked.message = outcome.message;

    const waiter = new Waiter<WakeReason>(this.stop, 'stop');
    blocked.waiter = waiter;
    if (outcome.retryAfterSeconds !== undefined) {
      waiter.after(clock, outcome.retryAfterSeconds * 1000, 'retry-after');
    } else {
      const known = pod.budget ? this.budgets.get(key(pod.namespace, pod.budget)) : undefined;
      // The budget moved while the request was in flight: its news is already here, so try again now.
      if (known && known.seq > sentAt && known.summary.upToDate && known.summary.disruptionsAllowed > 0) {
        waiter.wake('budget');
      }
    }
    waiter.after(clock, this.options.blockedRetryMs ?? 10_000, 'fallback');
    const current = blocked;
    for (;;) {
      const timer = new Waiter<'explain' | 'rearm' | 'done'>();
      current.rearm = () => timer.wake('rearm');
      if (Number.isFinite(current.explainAt)) timer.after(clock, current.explainAt - clock.now(), 'explain');
      void waiter.done.then(() => timer.wake('done'));
      const why = await timer.done;
      if (why === 'done') break;
      if (why === 'rearm') continue;
      current.explainAt = Number.POSITIVE_INFINITY;
      await this.hooks.stuck(await this.explain(current));
    }
    current.rearm = undefined;
  }

  private budgetFor(pod: DrainedPod): BudgetSummary | undefined {
    const live = this.live.get(pod.uid);
    if (!live) return undefined;
    const all = [...this.budgets.values()].map((b) => b.summary);
    return budgetsOf(live, all)[0];
  }

  /** The budget's pods that are not Ready and not on their way out, with why; none when they cannot be listed. */
  private async unready(budget: BudgetSummary): Promise<Replacement[]> {
    try {
      const pods = (await this.ports.pods.listPods({}, this.stop))
        .filter((p) => p.namespace === budget.namespace && selectorMatches(budget.selector, p.labels))
        .filter((p) => !p.ready && p.deletionTimestamp === undefined)
        .filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed')
        .sort((a, b) => a.name.localeCompare(b.name));
      const scheduling = await failedSchedulingOf(this.ports.pods, pods, this.stop);
      return pods.map((pod) => replacementOf(pod, scheduling.get(pod.uid)));
    } catch {
      return [];
    }
  }

  private async explain(blocked: Blocked): Promise<StuckPod> {
    const { pod } = blocked;
    const budget = pod.budget
      ? this.budgets.get(key(pod.namespace, pod.budget))?.summary
      : this.budgetFor(pod);
    const notReady = budget && budget.currentHealthy < budget.expectedPods ? await this.unready(budget) : [];
    return {
      notReady,
      node: this.drain.node,
      pod: { namespace: pod.namespace, name: pod.name },
      blockedForMs: this.ports.clock.now() - blocked.since,
      message: blocked.message,
      budget: budget && {
        namespace: budget.namespace,
        name: budget.name,
        minAvailable: budget.minAvailable,
        maxUnavailable: budget.maxUnavailable,
        currentHealthy: budget.currentHealthy,
        desiredHealthy: budget.desiredHealthy,
        expectedPods: budget.expectedPods,
        disruptionsAllowed: budget.disruptionsAllowed,
      },
    };
  }

  private async awaitGone(pod: DrainedPod): Promise<void> {
    if (!this.live.has(pod.uid)) {
      this.markGone(pod);
      return;
    }
    let waiter = this.goneWaiters.get(pod.uid);
    if (!waiter || waiter.finished) {
      waiter = new Waiter<'gone' | 'stop'>(this.stop, 'stop');
      this.goneWaiters.set(pod.uid, waiter);
    }
    const why = await waiter.done;
    this.goneWaiters.delete(pod.uid);
    if (why === 'gone') this.markGone(pod);
  }

  /**
   * After a timeout, cancel or abort, every pod not in a final state says why it is still there. Any other
   * stop (the worker shutting down) leaves the records as they are, for the worker that resumes the drain.
   */
  private markUnfinished(): void {
    const reason: unknown = this.stop.reason;
    const final =
      reason instanceof DrainDeadline || reason instanceof DrainAborted || reason instanceof CancelledError;
    if (!final) return;
    for (const pod of this.drain.pods) {
      if (FINAL_POD_STATES.has(pod.state)) continue;
      if (reason instanceof DrainDeadline) {
        pod.reason =
          pod.state === 'pending'
            ? `error when evicting pods/"${pod.name}" -n "${pod.namespace}": ${reason.message}`
            : `error when waiting for pod "${pod.name}" in namespace "${pod.namespace}" to terminate: context deadline exceeded`;
        pod.state = 'timed-out';
      } else {
        pod.reason =
          pod.state === 'pending'
            ? 'not evicted: the drain stopped'
            : 'evicted; still terminating when the drain stopped';
        pod.state = 'stopped';
      }
    }
    this.blocked.clear();
    this.hooks.changed();
  }
}
