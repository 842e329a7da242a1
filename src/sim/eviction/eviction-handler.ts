import type { Clock } from '../../shared/clock.js';
import type {
  DeleteOptions,
  KubeObject,
  Registry,
  ResourceRef,
  SubresourceHandler,
  SubresourceRequest,
  SubresourceResponse,
} from '../types.js';
import {
  budgetsSelecting,
  bypassesBudget,
  enforcesResourceVersion,
  spendDisruption,
  unhealthyPodMayGo,
} from './budget-check.js';
import {
  budgetBeingProcessed,
  budgetUpdateConflicts,
  evictionMethodNotAllowed,
  isConflict,
  moreThanOneBudget,
  resourceVersionConflict,
} from './eviction-errors.js';
import { type EvictionRequest, parseEvictionRequest } from './eviction-request.js';

const pods: ResourceRef = { group: '', resource: 'pods' };
const budgets: ResourceRef = { group: 'policy', resource: 'poddisruptionbudgets' };

/** EvictionsRetry of the API server: 20 attempts, 500 ms apart. */
const retries = 20;
const retryDelayMs = 500;

const success: SubresourceResponse = {
  code: 201,
  body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
};

function withResourceVersion(options: DeleteOptions, resourceVersion: string | undefined): DeleteOptions {
  if (resourceVersion === undefined) return options;
  return { ...options, preconditions: { ...options.preconditions, resourceVersion } };
}

/**
 * Marks the pod `DisruptionTarget=True` (one MODIFIED event and a new resourceVersion, as the real server)
 * and then deletes it gracefully. A resourceVersion precondition is checked against the pod first and then
 * moved to the version this update wrote.
 */
async function markAndDelete(
  registry: Registry,
  clock: Clock,
  namespace: string,
  name: string,
  options: DeleteOptions,
): Promise<void> {
  let deleteOptions = options;
  if (!options.dryRun) {
    const expected = options.preconditions?.resourceVersion;
    const current = await registry.get(pods, namespace, name);
    if (expected !== undefined && current.metadata.resourceVersion !== expected) {
      throw resourceVersionConflict(name, expected, current.metadata.resourceVersion ?? '');
    }
    const condition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'EvictionByEvictionAPI',
      message: 'Eviction API: evicting',
      lastProbeTime: null,
      lastTransitionTime: new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    const updated = await registry.patch(
      pods,
      namespace,
      name,
      'strategic',
      {
        metadata: { resourceVersion: current.metadata.resourceVersion },
        status: { conditions: [condition] },
      },
      { subresource: 'status' },
    );
    if (expected !== undefined)
      deleteOptions = withResourceVersion(deleteOptions, updated.metadata.resourceVersion);
  }
  await registry.delete(pods, namespace, name, deleteOptions);
}

/** Spends one disruption of `pdb`, re-reading it on write conflicts like the API server's retry loop. */
async function spendBudget(
  registry: Registry,
  pdb: KubeObject,
  podName: string,
  request: EvictionRequest,
  clock: Clock,
): Promise<void> {
  let current = pdb;
  for (let attempt = 0; attempt < retries; attempt++) {
    const spent = spendDisruption(current, podName, clock.now(), request.dryRun);
    if (request.dryRun) return;
    try {
      await registry.update(budgets, current.metadata.namespace, spent, { subresource: 'status' });
      return;
    } catch (error) {
      if (!isConflict(error)) throw error;
      current = await registry.get(budgets, current.metadata.namespace, current.metadata.name ?? '');
    }
  }
  throw budgetUpdateConflicts(pdb.metadata.name ?? '');
}

/** One pass of the eviction decision (contract 4.1 steps 2-10); conflicts surface to the retry loop. */
async function evictOnce(
  registry: Registry,
  clock: Clock,
  namespace: string,
  name: string,
  request: EvictionRequest,
): Promise<SubresourceResponse> {
  const pod = await registry.get(pods, namespace, name);
  if (bypassesBudget(pod)) {
    const options =
      enforcesResourceVersion(pod) && !request.clientResourceVersion
        ? withResourceVersion(request.deleteOptions, pod.metadata.resourceVersion)
        : request.deleteOptions;
    await markAndDelete(registry, clock, namespace, name, options);
    return success;
  }

  const { items } = await registry.list(budgets, { namespace });
  const matching = budgetsSelecting(pod, items);
  if (matching.length > 1) throw moreThanOneBudget();
  const [pdb] = matching;
  if (!pdb) {
    await markAndDelete(registry, clock, namespace, name, request.deleteOptions);
    return success;
  }

  const unhealthy = unhealthyPodMayGo(pod, pdb);
  if (!unhealthy) await spendBudget(registry, pdb, name, request, clock);
  const options =
    unhealthy && !request.clientResourceVersion
      ? withResourceVersion(request.deleteOptions, pod.metadata.resourceVersion)
      : request.deleteOptions;
  try {
    await markAndDelete(registry, clock, namespace, name, options);
  } catch (error) {
    // The unhealthy pod became Ready (or changed) after the decision: tell the client to come back.
    if (isConflict(error) && unhealthy && !request.clientResourceVersion)
      throw budgetBeingProcessed(pdb.metadata.name ?? '');
    throw error;
  }
  return success;
}

/**
 * The `pods/eviction` subresource with the API server's rules: body checks, the budget bypass for pods that
 * are not running, one matching PDB at most, unhealthyPodEvictionPolicy, checkAndDecrement with the exact
 * 429/403/500 answers, the DisruptionTarget condition, then a graceful delete; 201 Status Success.
 */
export function evictionHandler(clock: Clock): SubresourceHandler {
  return async (request: SubresourceRequest, registry: Registry): Promise<SubresourceResponse> => {
    if (request.verb !== 'create') throw evictionMethodNotAllowed();
    const namespace = request.namespace ?? 'default';
    const eviction = parseEvictionRequest(request.body, request.name, request.dryRun);
    for (let attempt = 1; ; attempt++) {
      try {
        return await evictOnce(registry, clock, namespace, request.name, eviction);
      } catch (error) {
        if (!isConflict(error) || attempt >= retries || eviction.clientResourceVersion) throw error;
        await clock.sleep(retryDelayMs);
      }
    }
  };
}
