import type { Subscription } from './pod-watch.js';

/** `matchLabels` and `matchExpressions` of a PodDisruptionBudget's selector. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }>;
}

export interface BudgetSummary {
  namespace: string;
  name: string;
  /** null matches no pod; `{}` matches every pod of the namespace (policy/v1). */
  selector: LabelSelectorSpec | null;
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptionsAllowed: number;
  /** `status.observedGeneration >= metadata.generation`: the numbers describe the current spec. */
  upToDate: boolean;
}

export type BudgetChange =
  | { type: 'upsert'; budget: BudgetSummary }
  | { type: 'deleted'; budget: BudgetSummary };

/** Reads PodDisruptionBudgets and follows their status, so a blocked eviction is retried when a budget moves. */
export interface DisruptionBudgets {
  listBudgets(signal?: AbortSignal): Promise<BudgetSummary[]>;
  /** Resolves once every budget now in the cluster has been delivered as an `upsert`. */
  watchBudgets(listener: (change: BudgetChange) => void, signal?: AbortSignal): Promise<Subscription>;
}
