import type { KubeObject, Registry, SubresourceHandler, SubresourceRequest } from '../types.js';
import { applyJsonPatch } from './json-patch.js';
import { isJsonObject } from './json-value.js';
import { LabelSelector } from './label-selector.js';
import { applyMergePatch } from './merge-patch.js';
import { badRequest, conflict, statusSuccess } from './status-errors.js';

/**
 * `pods/eviction` without PodDisruptionBudget logic: the controllers replace it through
 * `registry.setSubresourceHandler('pods', 'eviction', …)`. It checks the body, then deletes as an eviction does.
 */
const evictPod: SubresourceHandler = async (request, registry) => {
  const body = isJsonObject(request.body) ? request.body : {};
  const metadata = isJsonObject(body.metadata) ? body.metadata : {};
  if (typeof metadata.name === 'string' && metadata.name !== '' && metadata.name !== request.name) {
    throw badRequest('name in URL does not match name in Eviction object');
  }
  const deleteOptions = isJsonObject(body.deleteOptions) ? body.deleteOptions : {};
  const dryRun =
    request.dryRun || (Array.isArray(deleteOptions.dryRun) && deleteOptions.dryRun.includes('All'));
  await registry.get(request.ref, request.namespace, request.name);
  if (!dryRun) {
    await registry.delete(request.ref, request.namespace, request.name, {
      gracePeriodSeconds:
        typeof deleteOptions.gracePeriodSeconds === 'number' ? deleteOptions.gracePeriodSeconds : undefined,
    });
  }
  return { code: 201, body: statusSuccess(201) };
};

/** `pods/binding`: what the scheduler posts. Sets spec.nodeName once; a bound or deleting pod is a 409. */
const bindPod: SubresourceHandler = async (request, registry) => {
  const body = isJsonObject(request.body) ? request.body : {};
  const target = isJsonObject(body.target) ? body.target : {};
  const nodeName = typeof target.name === 'string' ? target.name : '';
  if (!nodeName) throw badRequest('Binding "target" is required');
  const bindingRef = { group: '', resource: 'pods/binding' };
  const pod = await registry.get(request.ref, request.namespace, request.name);
  if (pod.metadata.deletionTimestamp) {
    throw conflict(
      bindingRef,
      request.name,
      `pod ${request.name} is being deleted, cannot be assigned to a host`,
    );
  }
  if (pod.spec?.nodeName) {
    throw conflict(
      bindingRef,
      request.name,
      `pod ${request.name} is already assigned to node "${pod.spec.nodeName}"`,
    );
  }
  if (request.dryRun) return { code: 201, body: statusSuccess(201) };
  await registry.patch(request.ref, request.namespace, request.name, 'merge', {
    metadata: { resourceVersion: pod.metadata.resourceVersion },
    spec: { nodeName },
  });
  const bound = await registry.get(request.ref, request.namespace, request.name);
  const conditions = Array.isArray(bound.status?.conditions) ? [...bound.status.conditions] : [];
  const scheduled = {
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: new Date(0).toISOString(),
  };
  const at = conditions.findIndex(
    (condition) => isJsonObject(condition) && condition.type === 'PodScheduled',
  );
  const existing = at === -1 ? undefined : conditions[at];
  if (!(isJsonObject(existing) && existing.status === 'True')) {
    scheduled.lastTransitionTime = bound.metadata.creationTimestamp ?? scheduled.lastTransitionTime;
    if (at === -1) conditions.push(scheduled);
    else conditions[at] = scheduled;
    await registry.update(
      request.ref,
      request.namespace,
      { ...bound, status: { ...(bound.status ?? {}), conditions } },
      {
        subresource: 'status',
      },
    );
  }
  return { code: 201, body: statusSuccess(201) };
};

function toScale(object: KubeObject): KubeObject {
  const selector = LabelSelector.fromObject(object.spec?.selector);
  const matchLabels =
    isJsonObject(object.spec?.selector) && isJsonObject(object.spec.selector.matchLabels)
      ? object.spec.selector.matchLabels
      : undefined;
  const selectorText =
    selector && matchLabels
      ? Object.entries(matchLabels)
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(',')
      : '';
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: typeof object.spec?.replicas === 'number' ? object.spec.replicas : 0 },
    status: {
      replicas: typeof object.status?.replicas === 'number' ? object.status.replicas : 0,
      selector: selectorText,
    },
  };
}

/** `<workload>/scale`: reads and writes spec.replicas through an autoscaling/v1 Scale. */
const scaleWorkload: SubresourceHandler = async (request: SubresourceRequest, registry: Registry) => {
  const current = await registry.get(request.ref, request.namespace, request.name);
  if (request.verb === 'get') return { code: 200, body: toScale(current) };
  let replicas: unknown;
  const body = isJsonObject(request.body) ? request.body : {};
  if (request.verb === 'update') {
    replicas = isJsonObject(body.spec) ? body.spec.replicas : undefined;
  } else {
    const patched = await applyScalePatch(toScale(current), request);
    replicas = patched.spec?.replicas;
  }
  if (typeof replicas !== 'number') throw badRequest('spec.replicas is required');
  const wanted =
    isJsonObject(body.metadata) && typeof body.metadata.resourceVersion === 'string'
      ? body.metadata.resourceVersion
      : undefined;
  const updated = await registry.patch(
    request.ref,
    request.namespace,
    request.name,
    'merge',
    { metadata: wanted ? { resourceVersion: wanted } : {}, spec: { replicas } },
    { dryRun: request.dryRun },
  );
  return { code: 200, body: toScale(updated) };
};

async function applyScalePatch(scale: KubeObject, request: SubresourceRequest): Promise<KubeObject> {
  if (request.patchType === 'json')
    return applyJsonPatch(scale, request.body, 'Scale', request.name) as KubeObject;
  return applyMergePatch(scale, request.body) as KubeObject;
}

/** `namespaces/finalize`: only spec.finalizers changes (the namespace controller empties it). */
const finalizeNamespace: SubresourceHandler = async (request, registry) => {
  const body = isJsonObject(request.body) ? request.body : {};
  const updated = await registry.update(
    request.ref,
    undefined,
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      ...body,
      metadata: { ...(isJsonObject(body.metadata) ? body.metadata : {}), name: request.name },
    },
    { subresource: 'finalize', dryRun: request.dryRun },
  );
  return { code: 200, body: updated };
};

/** Handlers served by default, keyed `<group>/<resource>/<subresource>`; `*\/*\/scale` serves every scale. */
export function builtinSubresourceHandlers(): Array<[string, SubresourceHandler]> {
  return [
    ['/pods/eviction', evictPod],
    ['/pods/binding', bindPod],
    ['*/*/scale', scaleWorkload],
    ['/namespaces/finalize', finalizeNamespace],
  ];
}
