/** One Deployment's pods on the drained node, as the floor sees them. */
export interface BudgetChain {
  name: string;
  /** Its pods on the node; a budget with maxUnavailable 1 lets them go one after the other. */
  pods: number;
  graceSeconds: number;
  /** A replacement's time from creation to Ready (start delay + readiness delay). */
  replacementReadyMs: number;
}

/**
 * The shortest possible drain given the budgets: pods under one budget (maxUnavailable 1) go one at a time,
 * each as soon as the previous one's replacement is Ready (the ReplicaSet replaces an evicted pod at once),
 * and the drain ends when the last of them has terminated. Chains run in parallel, so the longest one decides:
 * max over chains of (pods − 1) × replacement readiness + grace.
 */
export function drainFloorMs(chains: readonly BudgetChain[]): number {
  return Math.max(
    0,
    ...chains.map((c) => Math.max(0, c.pods - 1) * c.replacementReadyMs + c.graceSeconds * 1000),
  );
}

/**
 * The issue's own estimate of that floor: for each chain, the sum over its pods of grace period plus
 * replacement readiness; the longest chain. It counts every pod's grace in sequence, which the API does not
 * require (an evicted pod terminates while the next one goes), so it is higher than `drainFloorMs`.
 */
export function issueFormulaFloorMs(chains: readonly BudgetChain[]): number {
  return Math.max(0, ...chains.map((c) => c.pods * (c.graceSeconds * 1000 + c.replacementReadyMs)));
}
