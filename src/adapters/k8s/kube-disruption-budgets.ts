import type { KubeConfig, PolicyV1Api, V1PodDisruptionBudget } from '@kubernetes/client-node';
import type {
  BudgetChange,
  BudgetSummary,
  DisruptionBudgets,
  LabelSelectorSpec,
} from '../../ports/disruption-budgets.js';
import type { Subscription } from '../../ports/pod-watch.js';
import type { Clock } from '../../shared/clock.js';
import { translateClusterError } from './cluster-errors.js';
import { startResilientWatch } from './resilient-watch.js';
import { withTimeout } from './with-timeout.js';

export function budgetSummary(pdb: V1PodDisruptionBudget): BudgetSummary {
  const selector = pdb.spec?.selector;
  return {
    namespace: pdb.metadata?.namespace ?? 'default',
    name: pdb.metadata?.name ?? '',
    selector: selector ? (selector as LabelSelectorSpec) : null,
    minAvailable: pdb.spec?.minAvailable,
    maxUnavailable: pdb.spec?.maxUnavailable,
    currentHealthy: pdb.status?.currentHealthy ?? 0,
    desiredHealthy: pdb.status?.desiredHealthy ?? 0,
    expectedPods: pdb.status?.expectedPods ?? 0,
    disruptionsAllowed: pdb.status?.disruptionsAllowed ?? 0,
    upToDate: (pdb.status?.observedGeneration ?? 0) >= (pdb.metadata?.generation ?? 0),
  };
}

/** PodDisruptionBudgets of every namespace, listed and watched. */
export class KubeDisruptionBudgets implements DisruptionBudgets {
  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly policy: PolicyV1Api,
    private readonly cluster: string,
    private readonly clock: Clock,
  ) {}

  async listBudgets(signal?: AbortSignal): Promise<BudgetSummary[]> {
    try {
      const list = await withTimeout(this.policy.listPodDisruptionBudgetForAllNamespaces(), 30_000, signal);
      return list.items.map(budgetSummary);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateClusterError(error, this.cluster);
    }
  }

  async watchBudgets(listener: (change: BudgetChange) => void, signal?: AbortSignal): Promise<Subscription> {
    try {
      return await startResilientWatch<V1PodDisruptionBudget>({
        kubeConfig: this.kubeConfig,
        path: '/apis/policy/v1/poddisruptionbudgets',
        query: {},
        list: async () => {
          const list = await withTimeout(
            this.policy.listPodDisruptionBudgetForAllNamespaces(),
            30_000,
            signal,
          );
          return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
        },
        onUpsert: (pdb) => listener({ type: 'upsert', budget: budgetSummary(pdb) }),
        onDelete: (pdb) => listener({ type: 'deleted', budget: budgetSummary(pdb) }),
        clock: this.clock,
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateClusterError(error, this.cluster);
    }
  }
}
