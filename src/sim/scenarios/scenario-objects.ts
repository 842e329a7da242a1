import type { KubeObject } from '../types.js';
import { buildCoreDns, buildKubeProxy, buildMirrorPods } from './build-kube-system.js';
import { buildKubeadmRbac } from './build-kubeadm-rbac.js';
import { buildNodes } from './build-nodes.js';
import { buildServiceAccounts } from './build-service-accounts.js';
import { buildStorageClasses } from './build-storage.js';
import {
  buildKubeadmConfigMaps,
  buildKubeDnsService,
  buildKubernetesService,
} from './build-system-services.js';
import { buildBudget, buildWorkload, inlineBudget } from './build-workloads.js';
import type { Scenario } from './scenario-schema.js';

/** Everything a scenario creates, in the order it must be created. */
export interface ScenarioObjects {
  namespaces: KubeObject[];
  nodes: KubeObject[];
  /** Mirror pods of the control planes' static pods; their Node owner uid is set once the node exists. */
  mirrorPods: KubeObject[];
  /** ServiceAccounts, workloads, their Services and PodDisruptionBudgets, kube-system add-ons. */
  objects: KubeObject[];
}

const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function namespaceObject(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
    spec: { finalizers: ['kubernetes'] },
  };
}

function priorityClass(name: string, value: number, description: string): KubeObject {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    globalDefault: false,
    preemptionPolicy: 'PreemptLowerPriority',
    description,
  };
}

/** Turns a validated scenario into the Kubernetes objects of a kubeadm cluster running it. */
export function scenarioObjects(scenario: Scenario, now: Date): ScenarioObjects {
  const timestamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const namespaceNames = new Set(systemNamespaces);
  const namespaces = systemNamespaces.map((name) => namespaceObject(name));
  const addNamespace = (name: string, labels?: Record<string, string>) => {
    if (namespaceNames.has(name)) return;
    namespaceNames.add(name);
    namespaces.push(namespaceObject(name, labels));
  };
  for (const entry of scenario.namespaces) {
    if (typeof entry === 'string') addNamespace(entry);
    else addNamespace(entry.name, entry.labels);
  }
  for (const workload of scenario.workloads) addNamespace(workload.namespace);
  for (const budget of scenario.pdbs) addNamespace(budget.namespace);

  const nodes = buildNodes(scenario, timestamp);
  const mirrorPods = nodes
    .filter((node) => node.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined)
    .flatMap((node) => buildMirrorPods(node.metadata.name ?? '', scenario.kubernetesVersion));

  const advertise = nodes
    .filter((node) => node.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined)
    .map(
      (node) =>
        (node.status?.addresses as Array<{ type: string; address: string }> | undefined)?.find(
          (a) => a.type === 'InternalIP',
        )?.address ?? '',
    )
    .filter((ip) => ip !== '');
  const objects: KubeObject[] = [
    ...buildServiceAccounts([...namespaceNames]),
    ...buildKubeadmRbac(),
    priorityClass(
      'system-cluster-critical',
      2000000000,
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
    ),
    priorityClass(
      'system-node-critical',
      2000001000,
      'Used for system critical pods that must not be moved from their current node.',
    ),
    ...buildKubernetesService(advertise),
    ...buildKubeadmConfigMaps(scenario.kubernetesVersion, advertise[0] ?? '10.0.0.10'),
    buildKubeProxy(scenario.kubernetesVersion),
    buildCoreDns(),
    buildKubeDnsService(),
    ...buildStorageClasses(),
  ];
  for (const workload of scenario.workloads) {
    const budget = inlineBudget(workload);
    if (budget) objects.push(buildBudget(budget));
  }
  for (const budget of scenario.pdbs) objects.push(buildBudget(budget));
  for (const workload of scenario.workloads) objects.push(...buildWorkload(workload));
  return { namespaces, nodes, mirrorPods, objects };
}
