import type { BudgetSummary } from '../../ports/disruption-budgets.js';
import type { PodRef } from '../../ports/pod-inventory.js';
import type { Replacement } from './replacements.js';

/** Why a pod has been waiting on its budget for a while, with the numbers a person needs to decide. */
export interface StuckPod {
  node: string;
  pod: PodRef;
  blockedForMs: number;
  /** The API server's own words for the last refusal. */
  message: string;
  budget?: Pick<
    BudgetSummary,
    | 'namespace'
    | 'name'
    | 'minAvailable'
    | 'maxUnavailable'
    | 'currentHealthy'
    | 'desiredHealthy'
    | 'expectedPods'
    | 'disruptionsAllowed'
  >;
  /**
   * The budget's pods that are not Ready, with why (Pending and the scheduler's words, or not Ready yet): the
   * root cause when the budget is short of healthy pods. Empty when all are Ready or they could not be listed.
   */
  notReady: Replacement[];
}
