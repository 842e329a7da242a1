import { selectorMatches } from '../../../src/ops/drain/budget-selects.js';
import type { NodeReader, NodeSummary } from '../../../src/ports/cluster.js';
import type {
  BudgetChange,
  BudgetSummary,
  DisruptionBudgets,
  LabelSelectorSpec,
} from '../../../src/ports/disruption-budgets.js';
import type { NodeCapacities, NodeCapacity, Taint } from '../../../src/ports/node-capacity.js';
import type { NodeScheduling } from '../../../src/ports/node-scheduling.js';
import type { EvictionOutcome, PodEviction } from '../../../src/ports/pod-eviction.js';
import type {
  NodeSelectorTerm,
  PodInventory,
  PodQuery,
  PodRef,
  PodSummary,
} from '../../../src/ports/pod-inventory.js';
import type { PodChange, PodWatch, Subscription } from '../../../src/ports/pod-watch.js';
import type { Clock } from '../../../src/shared/clock.js';

/** A controller that keeps pods: a Deployment's ReplicaSet, a StatefulSet, a DaemonSet, a Job. */
export interface FakeWorkload {
  namespace: string;
  name: string;
  kind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job';
  replicas: number;
  labels: Record<string, string>;
  /** Seconds a pod takes to terminate. */
  graceSeconds: number;
  /** Milliseconds from a replacement's creation to Ready. */
  readyAfterMs: number;
  requests?: { cpuMillis: number; memoryBytes: number };
  emptyDir?: boolean;
  /** The pod template's `spec.nodeSelector`. */
  nodeSelector?: Record<string, string>;
  /** The pod template's required node affinity terms. */
  requiredNodeAffinity?: NodeSelectorTerm[];
}

interface FakeBudget {
  namespace: string;
  name: string;
  selector: LabelSelectorSpec | null;
  minAvailable?: number;
  maxUnavailable?: number;
  /** observedGeneration lags generation (the PDB controller has not seen an edit yet). */
  stale?: boolean;
}

interface FakePod extends PodSummary {
  workload?: FakeWorkload;
}

interface FakeNode extends NodeSummary {
  taints: Taint[];
  allocatable: NodeCapacity['allocatable'];
}

const ms = (seconds: number) => seconds * 1000;

/**
 * An in-memory cluster behind every drain port, with just enough of the control plane to drain against:
 * budgets computed from pod readiness as the PDB controller does, evictions with the API server's rules and
 * words, graceful termination on the clock, and replacements that become Ready elsewhere after a delay. The
 * contract tests run the same cases against this fake and the simulator, so the two cannot drift.
 */
export class FakeCluster
  implements
    NodeScheduling,
    NodeReader,
    PodInventory,
    PodEviction,
    PodWatch,
    DisruptionBudgets,
    NodeCapacities
{
  private readonly nodes = new Map<string, FakeNode>();
  private readonly pods = new Map<string, FakePod>();
  private readonly workloads: FakeWorkload[] = [];
  private readonly budgets: FakeBudget[] = [];
  private readonly podListeners = new Set<{ node: string; listener: (change: PodChange) => void }>();
  private readonly budgetListeners = new Set<(change: BudgetChange) => void>();
  private readonly lastBudgetStatus = new Map<string, string>();
  private uidSeq = 0;
  private nameSeq = 0;
  /** Eviction requests per `namespace/name`, whatever their answer. */
  readonly evictionRequests = new Map<string, number>();
  /** Evictions that were accepted, per pod uid. */
  readonly acceptedEvictions = new Map<string, number>();
  /** Makes the next N eviction requests throw (network trouble). */
  failNextEvictions = 0;

  constructor(private readonly clock: Clock) {}

  addNode(
    name: string,
    options: {
      unschedulable?: boolean;
      ready?: boolean;
      taints?: Taint[];
      cpuMillis?: number;
      memoryBytes?: number;
      labels?: Record<string, string>;
    } = {},
  ): void {
    this.nodes.set(name, {
      name,
      labels: { 'kubernetes.io/hostname': name, ...options.labels },
      createdAt: this.clock.now(),
      unschedulable: options.unschedulable ?? false,
      ready: options.ready === false ? 'False' : 'True',
      kubeletVersion: 'v1.31.4',
      taints: options.taints ?? [],
      allocatable: {
        cpuMillis: options.cpuMillis ?? 4000,
        memoryBytes: options.memoryBytes ?? 8 * 2 ** 30,
        pods: 110,
      },
    });
  }

  /** A workload whose pods sit on the given nodes, all Running and Ready. */
  addWorkload(workload: FakeWorkload, placement: string[]): FakeWorkload {
    this.workloads.push(workload);
    placement.forEach((node, i) => {
      const name =
        workload.kind === 'StatefulSet'
          ? `${workload.name}-${i}`
          : `${workload.name}-${(this.nameSeq++).toString(36).padStart(5, 'x')}`;
      this.putPod(this.podFor(workload, name, node, true));
    });
    return workload;
  }

  /** A pod outside any workload: bare, mirror, finished, with emptyDir… */
  addPod(pod: Partial<PodSummary> & PodRef & { nodeName: string }): PodSummary {
    const summary: FakePod = {
      uid: `uid-${++this.uidSeq}`,
      phase: 'Running',
      ready: true,
      labels: {},
      mirror: false,
      emptyDirVolumes: [],
      terminationGracePeriodSeconds: 30,
      requests: { cpuMillis: 100, memoryBytes: 2 ** 27 },
      tolerations: [],
      nodeSelector: {},
      createdAt: this.clock.now(),
      ...pod,
    };
    this.putPod(summary);
    return summary;
  }

  addBudget(budget: FakeBudget): void {
    this.budgets.push(budget);
    this.publishBudgets();
  }

  setBudget(namespace: string, name: string, change: Partial<FakeBudget>): void {
    const budget = this.budgets.find((b) => b.namespace === namespace && b.name === name);
    if (!budget) throw new Error(`no budget ${namespace}/${name}`);
    Object.assign(budget, change);
    this.publishBudgets();
  }

  removeWorkload(namespace: string, name: string): void {
    const index = this.workloads.findIndex((w) => w.namespace === namespace && w.name === name);
    if (index >= 0) this.workloads.splice(index, 1);
  }

  pod(namespace: string, name: string): PodSummary | undefined {
    return [...this.pods.values()].find((p) => p.namespace === namespace && p.name === name);
  }

  podsOn(node: string): PodSummary[] {
    return [...this.pods.values()].filter((p) => p.nodeName === node);
  }

  node(name: string): NodeSummary | undefined {
    return this.nodes.get(name);
  }

  setNodeReady(name: string, ready: boolean): void {
    const node = this.nodes.get(name);
    if (node) node.ready = ready ? 'True' : 'Unknown';
  }

  // NodeReader, NodeScheduling, NodeCapacities

  async listNodes(): Promise<NodeSummary[]> {
    return [...this.nodes.values()].map((n) => ({ ...n }));
  }

  async readNode(name: string): Promise<NodeSummary | undefined> {
    const node = this.nodes.get(name);
    return node && { ...node };
  }

  async setUnschedulable(name: string, unschedulable: boolean): Promise<NodeSummary> {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`nodes "${name}" not found`);
    node.unschedulable = unschedulable;
    return { ...node };
  }

  async listNodeCapacity(): Promise<NodeCapacity[]> {
    return [...this.nodes.values()].map((n) => ({
      name: n.name,
      labels: { ...n.labels },
      unschedulable: n.unschedulable,
      ready: n.ready === 'True',
      taints: n.taints,
      allocatable: n.allocatable,
    }));
  }

  // PodInventory

  async listPods(query: PodQuery): Promise<PodSummary[]> {
    return [...this.pods.values()]
      .filter((p) => query.node === undefined || p.nodeName === query.node)
      .filter((p) => query.labelSelector === undefined || matchesSelector(query.labelSelector, p.labels))
      .map(strip);
  }

  async daemonSet(namespace: string, name: string) {
    const exists = this.workloads.some(
      (w) => w.kind === 'DaemonSet' && w.namespace === namespace && w.name === name,
    );
    return exists
      ? ({ exists: true } as const)
      : ({ exists: false, message: `daemonsets.apps "${name}" not found` } as const);
  }

  // PodEviction

  async evict(ref: PodRef, gracePeriodSeconds: number | undefined): Promise<EvictionOutcome> {
    const key = `${ref.namespace}/${ref.name}`;
    this.evictionRequests.set(key, (this.evictionRequests.get(key) ?? 0) + 1);
    if (this.failNextEvictions > 0) {
      this.failNextEvictions -= 1;
      throw new Error('connect ECONNREFUSED');
    }
    const pod = this.pod(ref.namespace, ref.name);
    if (!pod) return { kind: 'not-found' };
    if (pod.phase !== 'Running' || pod.deletionTimestamp !== undefined) {
      this.accept(pod, gracePeriodSeconds);
      return { kind: 'accepted' };
    }
    const budgets = this.budgets.filter(
      (b) => b.namespace === pod.namespace && selectorMatches(b.selector, pod.labels),
    );
    if (budgets.length > 1) {
      return {
        kind: 'refused',
        code: 500,
        message:
          'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      };
    }
    const [budget] = budgets;
    if (budget) {
      const status = this.budgetStatus(budget);
      const unhealthyMayGo =
        !pod.ready && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0;
      if (!unhealthyMayGo) {
        if (budget.stale) {
          return {
            kind: 'blocked',
            message: `Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ${budget.name} is still being processed by the server.`,
            budget: budget.name,
            retryAfterSeconds: 10,
          };
        }
        if (status.disruptionsAllowed <= 0) {
          return {
            kind: 'blocked',
            budget: budget.name,
            message: `Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ${budget.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
          };
        }
      }
    }
    this.accept(pod, gracePeriodSeconds);
    return { kind: 'accepted' };
  }

  async deletePod(
    ref: PodRef & { uid: string },
    gracePeriodSeconds: number | undefined,
  ): Promise<'deleted' | 'not-found'> {
    const pod = this.pods.get(ref.uid);
    if (!pod) return 'not-found';
    this.terminate(pod, gracePeriodSeconds);
    return 'deleted';
  }

  // PodWatch, DisruptionBudgets

  async watchNodePods(node: string, listener: (change: PodChange) => void): Promise<Subscription> {
    const entry = { node, listener };
    for (const pod of this.pods.values())
      if (pod.nodeName === node) listener({ type: 'upsert', pod: strip(pod) });
    this.podListeners.add(entry);
    return { close: () => this.podListeners.delete(entry) };
  }

  async listBudgets(): Promise<BudgetSummary[]> {
    return this.budgets.map((b) => this.budgetStatus(b));
  }

  async watchBudgets(listener: (change: BudgetChange) => void): Promise<Subscription> {
    for (const budget of this.budgets) listener({ type: 'upsert', budget: this.budgetStatus(budget) });
    this.budgetListeners.add(listener);
    return { close: () => this.budgetListeners.delete(listener) };
  }

  // The control plane

  private podFor(workload: FakeWorkload, name: string, node: string, ready: boolean): FakePod {
    return {
      namespace: workload.namespace,
      name,
      uid: `uid-${++this.uidSeq}`,
      nodeName: node,
      phase: 'Running',
      ready,
      labels: { ...workload.labels },
      mirror: false,
      controller: { kind: workload.kind, name: workload.name, uid: `uid-${workload.kind}-${workload.name}` },
      emptyDirVolumes: workload.emptyDir ? ['scratch'] : [],
      terminationGracePeriodSeconds: workload.graceSeconds,
      requests: workload.requests ?? { cpuMillis: 100, memoryBytes: 2 ** 27 },
      tolerations: [],
      nodeSelector: { ...workload.nodeSelector },
      ...(workload.requiredNodeAffinity ? { requiredNodeAffinity: workload.requiredNodeAffinity } : {}),
      createdAt: this.clock.now(),
      workload,
    };
  }

  private accept(pod: FakePod, gracePeriodSeconds: number | undefined): void {
    this.acceptedEvictions.set(pod.uid, (this.acceptedEvictions.get(pod.uid) ?? 0) + 1);
    this.terminate(pod, gracePeriodSeconds);
  }

  private terminate(pod: FakePod, gracePeriodSeconds: number | undefined): void {
    if (pod.deletionTimestamp !== undefined) return;
    const grace = pod.phase === 'Running' ? (gracePeriodSeconds ?? pod.terminationGracePeriodSeconds) : 0;
    pod.deletionTimestamp = this.clock.now() + ms(grace);
    pod.ready = false;
    this.emitPod({ type: 'upsert', pod: strip(pod) });
    this.publishBudgets();
    const { workload } = pod;
    if (workload && workload.kind !== 'StatefulSet' && this.workloads.includes(workload))
      this.replace(workload, pod.name);
    this.clock.sleep(ms(grace)).then(
      () => this.remove(pod),
      () => undefined,
    );
  }

  private remove(pod: FakePod): void {
    this.pods.delete(pod.uid);
    this.emitPod({ type: 'deleted', pod: strip(pod) });
    this.publishBudgets();
    const { workload } = pod;
    if (workload?.kind === 'StatefulSet' && this.workloads.includes(workload))
      this.replace(workload, pod.name);
  }

  /** The controller's replacement: scheduled on the first schedulable node, Ready after the workload's delay. */
  private replace(workload: FakeWorkload, oldName: string): void {
    if (workload.kind === 'DaemonSet' || workload.kind === 'Job') return;
    const node = [...this.nodes.values()]
      .filter((n) => !n.unschedulable && n.ready === 'True')
      .sort(
        (a, b) => this.podsOn(a.name).length - this.podsOn(b.name).length || a.name.localeCompare(b.name),
      )[0];
    if (!node) return;
    const name =
      workload.kind === 'StatefulSet'
        ? oldName
        : `${workload.name}-${(this.nameSeq++).toString(36).padStart(5, 'x')}`;
    const pod = this.podFor(workload, name, node.name, false);
    this.putPod(pod);
    this.clock.sleep(workload.readyAfterMs).then(
      () => {
        if (!this.pods.has(pod.uid) || pod.deletionTimestamp !== undefined) return;
        pod.ready = true;
        this.emitPod({ type: 'upsert', pod: strip(pod) });
        this.publishBudgets();
      },
      () => undefined,
    );
  }

  private putPod(pod: FakePod): void {
    this.pods.set(pod.uid, pod);
    this.emitPod({ type: 'upsert', pod: strip(pod) });
    this.publishBudgets();
  }

  private emitPod(change: PodChange): void {
    for (const { node, listener } of this.podListeners) if (change.pod.nodeName === node) listener(change);
  }

  private budgetStatus(budget: FakeBudget): BudgetSummary {
    const matched = [...this.pods.values()].filter(
      (p) => p.namespace === budget.namespace && selectorMatches(budget.selector, p.labels),
    );
    const healthy = matched.filter((p) => p.ready && p.deletionTimestamp === undefined).length;
    let expected: number;
    let desired: number;
    if (budget.maxUnavailable !== undefined) {
      const owners = new Set(
        matched.map((p) => p.workload).filter((w): w is FakeWorkload => w !== undefined),
      );
      expected = [...owners].reduce((sum, w) => sum + w.replicas, 0);
      desired = Math.max(0, expected - budget.maxUnavailable);
    } else {
      expected = matched.length;
      desired = budget.minAvailable ?? 0;
    }
    return {
      namespace: budget.namespace,
      name: budget.name,
      selector: budget.selector,
      minAvailable: budget.minAvailable,
      maxUnavailable: budget.maxUnavailable,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      disruptionsAllowed: expected > 0 ? Math.max(0, healthy - desired) : 0,
      upToDate: budget.stale !== true,
    };
  }

  private publishBudgets(): void {
    for (const budget of this.budgets) {
      const status = this.budgetStatus(budget);
      const text = JSON.stringify(status);
      const key = `${budget.namespace}/${budget.name}`;
      if (this.lastBudgetStatus.get(key) === text) continue;
      this.lastBudgetStatus.set(key, text);
      for (const listener of this.budgetListeners) listener({ type: 'upsert', budget: status });
    }
  }
}

function strip(pod: FakePod): PodSummary {
  const { workload: _workload, ...summary } = pod;
  return structuredClone(summary);
}

/** Equality terms only (`a=b,c!=d`): enough for the tests that use the fake. */
function matchesSelector(selector: string, labels: Record<string, string>): boolean {
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .every((term) => {
      const negated = /^([^!=]+)!=(.*)$/.exec(term);
      if (negated) return labels[negated[1] ?? ''] !== negated[2];
      const equal = /^([^=]+)==?(.*)$/.exec(term);
      if (equal) return labels[equal[1] ?? ''] === equal[2];
      return Object.hasOwn(labels, term);
    });
}
