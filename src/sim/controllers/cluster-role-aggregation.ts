import { isAggregated, needsAggregation } from '../auth/aggregate-rules.js';
import { CLUSTER_ROLES } from '../auth/bootstrap-policy.js';
import { StatusError } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { WorkQueue } from './work-queue.js';

/**
 * kube-controller-manager's clusterrole-aggregation controller: an aggregated ClusterRole (admin, edit, view,
 * or any with an `aggregationRule`) has its `rules` rewritten to the rules of the ClusterRoles its selectors
 * pick, whenever any ClusterRole changes. RBAC reads only the stored rules, as on a real cluster.
 */
export function startClusterRoleAggregation(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const roles = informers.for(CLUSTER_ROLES);

  const reconcile = async (name: string) => {
    const role = roles.get(undefined, name);
    if (!role || role.metadata.deletionTimestamp) return;
    const rules = needsAggregation(role, [...roles.list()]);
    if (!rules) return;
    try {
      roles.observe(await registry.update(CLUSTER_ROLES, undefined, { ...role, rules }));
    } catch (error) {
      if (error instanceof StatusError && error.code === 409) queue.add(name);
      else if (!(error instanceof StatusError && error.code === 404)) throw error;
    }
  };

  const queue = new WorkQueue('clusterrole-aggregation', reconcile, clock, context.log);
  const enqueueAggregated = () => {
    for (const role of roles.list()) if (isAggregated(role)) queue.add(role.metadata.name ?? '');
  };
  const subscriptions = [roles.on(() => enqueueAggregated())];

  return {
    name: 'clusterrole-aggregation',
    start: enqueueAggregated,
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
