import type { Clock } from '../../shared/clock.js';
import { type KubeObject, type Registry, type ResourceInfo, StatusError } from '../types.js';
import { awaitPlacement } from './await-placement.js';
import { scenarioObjects } from './scenario-objects.js';
import type { Scenario } from './scenario-schema.js';

function resourceFor(registry: Registry, object: KubeObject): ResourceInfo {
  const slash = object.apiVersion.indexOf('/');
  const group = slash === -1 ? '' : object.apiVersion.slice(0, slash);
  const info = registry.catalog.find((r) => r.kind === object.kind && r.group === group);
  if (!info) throw new Error(`the simulator serves no ${object.kind} in ${object.apiVersion}`);
  return info;
}

async function create(
  registry: Registry,
  object: KubeObject,
  keepStatus = false,
): Promise<KubeObject | undefined> {
  try {
    return await registry.create(resourceFor(registry, object), object.metadata.namespace, object, {
      keepStatus,
    });
  } catch (error) {
    // The registry may already hold system namespaces and priority classes: those are fine as they are.
    if (error instanceof StatusError && error.code === 409) return undefined;
    throw error;
  }
}

/**
 * Creates a scenario's objects through the Registry, the way a kubeadm cluster comes up: namespaces, nodes
 * as their kubelets register them (status included), the control planes' mirror pods, then add-ons,
 * budgets and workloads. The controllers take it from there. With `controllersRunning`, each workload's
 * first pods are placed before the next workload is created, so a scenario always lands the same way.
 */
export async function applyScenario(
  registry: Registry,
  scenario: Scenario,
  clock: Clock,
  options: { controllersRunning?: boolean } = {},
): Promise<void> {
  const { namespaces, nodes, mirrorPods, objects } = scenarioObjects(scenario, new Date(clock.now()));
  for (const namespace of namespaces) await create(registry, namespace);
  const uids = new Map<string, string>();
  for (const node of nodes) {
    const created = await create(registry, node, true);
    if (created) uids.set(created.metadata.name ?? '', created.metadata.uid ?? '');
  }
  for (const pod of mirrorPods) {
    const owners = (pod.metadata.ownerReferences ?? []).map((ref) => ({
      ...ref,
      uid: uids.get(ref.name) ?? ref.uid,
    }));
    await create(registry, { ...pod, metadata: { ...pod.metadata, ownerReferences: owners } });
  }
  for (const object of objects) {
    const created = await create(registry, object);
    if (created && options.controllersRunning) await awaitPlacement(registry, created);
  }
}
