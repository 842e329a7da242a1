import { selectorMatches } from '../controllers/label-selector.js';
import { isFinished, isPodReady, isTerminating } from '../controllers/pods.js';
import type { KubeObject } from '../types.js';
import { budgetBeingProcessed, budgetExhausted, budgetForbidden } from './eviction-errors.js';

/** More unconfirmed evictions than this and the API server refuses (MaxDisruptedPodSize). */
const maxDisruptedPods = 2000;

/**
 * Pending, finished or already terminating pods are deleted without consulting any budget: they are not
 * running, or their disruption has already happened.
 */
export function bypassesBudget(pod: KubeObject): boolean {
  const phase: unknown = pod.status?.phase;
  return phase === 'Pending' || isFinished(pod) || isTerminating(pod);
}

/** The live Pending pod's delete carries its resourceVersion, so a pod that just became Ready is not lost. */
export function enforcesResourceVersion(pod: KubeObject): boolean {
  return pod.status?.phase === 'Pending' && !isTerminating(pod);
}

/** PDBs of the pod's namespace whose selector matches it; a null selector matches nothing, `{}` everything. */
export function budgetsSelecting(pod: KubeObject, budgets: readonly KubeObject[]): KubeObject[] {
  return budgets.filter(
    (pdb) =>
      pdb.metadata.namespace === pod.metadata.namespace &&
      selectorMatches(pdb.spec?.selector, pod.metadata.labels),
  );
}

/**
 * A not-Ready pod may go without spending the budget when the policy says AlwaysAllow, or (IfHealthyBudget,
 * the default) when the budget is already met by the healthy pods.
 */
export function unhealthyPodMayGo(pod: KubeObject, pdb: KubeObject): boolean {
  if (isPodReady(pod)) return false;
  if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const current = Number(pdb.status?.currentHealthy ?? 0);
  const desired = Number(pdb.status?.desiredHealthy ?? 0);
  return current >= desired && desired > 0;
}

/**
 * checkAndDecrement of the eviction subresource: refuses with the API server's errors, or returns the PDB
 * with one disruption spent and the pod recorded in `disruptedPods` (left out for a dry run).
 */
export function spendDisruption(pdb: KubeObject, podName: string, now: number, dryRun: boolean): KubeObject {
  const name = pdb.metadata.name ?? '';
  const status: Record<string, unknown> = { ...(pdb.status ?? {}) };
  const observed = Number(status.observedGeneration ?? 0);
  if (observed < (pdb.metadata.generation ?? 0)) throw budgetBeingProcessed(name);
  const allowed = Number(status.disruptionsAllowed ?? 0);
  if (allowed < 0) throw budgetForbidden(name, 'pdb disruptions allowed is negative');
  const disrupted = (status.disruptedPods ?? {}) as Record<string, string>;
  if (Object.keys(disrupted).length > maxDisruptedPods) {
    throw budgetForbidden(
      name,
      'DisruptedPods map too big - too many evictions not confirmed by PDB controller',
    );
  }
  if (allowed === 0) {
    throw budgetExhausted(name, Number(status.desiredHealthy ?? 0), Number(status.currentHealthy ?? 0));
  }
  status.disruptionsAllowed = allowed - 1;
  const timestamp = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  if (status.disruptionsAllowed === 0) {
    const conditions = Array.isArray(status.conditions)
      ? (status.conditions as Array<Record<string, unknown>>)
      : [];
    const old = conditions.find((c) => c.type === 'DisruptionAllowed');
    const changed = old?.status !== 'False';
    status.conditions = [
      ...conditions.filter((c) => c.type !== 'DisruptionAllowed'),
      {
        type: 'DisruptionAllowed',
        status: 'False',
        reason: 'InsufficientPods',
        message: '',
        observedGeneration: observed,
        lastTransitionTime: changed ? timestamp : (old?.lastTransitionTime ?? timestamp),
      },
    ];
  }
  if (!dryRun) status.disruptedPods = { ...disrupted, [podName]: timestamp };
  return { ...pdb, status };
}
