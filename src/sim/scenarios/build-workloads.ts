import { simAnnotations } from '../controllers/sim-annotations.js';
import type { KubeObject } from '../types.js';
import type { ScenarioBudget, ScenarioResources, ScenarioWorkload } from './scenario-schema.js';

function podLabels(workload: ScenarioWorkload): Record<string, string> {
  return workload.labels ?? { app: workload.name };
}

function resourceMap(resources: ScenarioResources | undefined): Record<string, string> | undefined {
  if (!resources) return undefined;
  const entries = Object.entries(resources).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function emptyDirNames(workload: ScenarioWorkload): string[] {
  if (workload.emptyDir === true) return ['scratch'];
  return Array.isArray(workload.emptyDir) ? workload.emptyDir : [];
}

function timingAnnotations(workload: ScenarioWorkload): Record<string, string> {
  const annotations: Record<string, string> = { ...workload.annotations };
  if (workload.startDelay !== undefined) annotations[simAnnotations.startDelay] = String(workload.startDelay);
  if (workload.readinessDelay !== undefined)
    annotations[simAnnotations.readinessDelay] = String(workload.readinessDelay);
  if (workload.kind === 'Job') annotations[simAnnotations.runDuration] = String(workload.duration);
  return annotations;
}

/** A pod spec with the API server's defaults filled in, so what kubectl shows looks like a real cluster's. */
function podSpec(workload: ScenarioWorkload): Record<string, unknown> {
  const volumes = emptyDirNames(workload);
  // The StatefulSet controller adds the claims' volumes to each pod; the container mounts them.
  const claimNames = workload.kind === 'StatefulSet' ? (workload.volumeClaims ?? []).map((c) => c.name) : [];
  const mounts = [...volumes, ...claimNames];
  const requests = resourceMap(workload.requests);
  const limits = resourceMap(workload.limits);
  const restartPolicy = workload.kind === 'Job' ? 'Never' : 'Always';
  return {
    containers: [
      {
        name: workload.name,
        image: workload.image,
        imagePullPolicy: 'IfNotPresent',
        resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        ...(mounts.length > 0
          ? { volumeMounts: mounts.map((name) => ({ name, mountPath: `/${name}` })) }
          : {}),
      },
    ],
    ...(volumes.length > 0 ? { volumes: volumes.map((name) => ({ name, emptyDir: {} })) } : {}),
    ...(workload.nodeSelector ? { nodeSelector: workload.nodeSelector } : {}),
    ...(workload.tolerations ? { tolerations: workload.tolerations } : {}),
    ...(workload.placement
      ? {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'kubernetes.io/hostname', operator: 'In', values: workload.placement.nodes },
                    ],
                  },
                ],
              },
            },
          },
        }
      : {}),
    ...(workload.priorityClassName ? { priorityClassName: workload.priorityClassName } : {}),
    restartPolicy,
    terminationGracePeriodSeconds: workload.terminationGracePeriodSeconds ?? 30,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    securityContext: {},
    enableServiceLinks: true,
  };
}

function template(workload: ScenarioWorkload): Record<string, unknown> {
  const annotations = timingAnnotations(workload);
  return {
    metadata: {
      labels: podLabels(workload),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: podSpec(workload),
  };
}

function meta(workload: ScenarioWorkload, extraAnnotations: Record<string, string> = {}) {
  return {
    name: workload.name,
    namespace: workload.namespace,
    labels: podLabels(workload),
    ...(Object.keys(extraAnnotations).length > 0 ? { annotations: extraAnnotations } : {}),
  };
}

type ClaimTemplates = NonNullable<Extract<ScenarioWorkload, { kind: 'StatefulSet' }>['volumeClaims']>;

/** volumeClaimTemplates as the API server stores them (apiVersion, kind and volumeMode defaulted). */
function claimTemplates(claims: ClaimTemplates): KubeObject[] {
  return claims.map((claim) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: claim.name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: claim.storage } },
      ...(claim.storageClassName !== undefined ? { storageClassName: claim.storageClassName } : {}),
      volumeMode: 'Filesystem',
    },
    status: { phase: 'Pending' },
  }));
}

/** The objects one scenario workload becomes: the workload itself, and a headless Service for a StatefulSet. */
export function buildWorkload(workload: ScenarioWorkload): KubeObject[] {
  const selector = { matchLabels: podLabels(workload) };
  switch (workload.kind) {
    case 'Deployment':
      return [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: meta(workload),
          spec: {
            replicas: workload.replicas,
            selector,
            template: template(workload),
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: {
                maxSurge: workload.maxSurge ?? '25%',
                maxUnavailable: workload.maxUnavailable ?? '25%',
              },
            },
            revisionHistoryLimit: 10,
            progressDeadlineSeconds: 600,
          },
        },
      ];
    case 'StatefulSet':
      return [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: workload.name, namespace: workload.namespace, labels: podLabels(workload) },
          spec: {
            clusterIP: 'None',
            clusterIPs: ['None'],
            selector: podLabels(workload),
            ports: [{ name: 'web', port: 80, protocol: 'TCP', targetPort: 80 }],
            type: 'ClusterIP',
          },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: meta(workload),
          spec: {
            replicas: workload.replicas,
            serviceName: workload.name,
            selector,
            template: template(workload),
            podManagementPolicy: workload.podManagementPolicy,
            updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
            revisionHistoryLimit: 10,
            persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
            ...(workload.volumeClaims ? { volumeClaimTemplates: claimTemplates(workload.volumeClaims) } : {}),
          },
        },
      ];
    case 'DaemonSet':
      return [
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: meta(workload),
          spec: {
            selector,
            template: template(workload),
            updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
            revisionHistoryLimit: 10,
          },
        },
      ];
    case 'Job':
      return [
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(
            workload,
            workload.failures > 0 ? { [simAnnotations.failures]: String(workload.failures) } : {},
          ),
          spec: {
            completions: workload.completions,
            parallelism: workload.parallelism,
            backoffLimit: workload.backoffLimit,
            completionMode: 'NonIndexed',
            suspend: false,
            template: template(workload),
          },
        },
      ];
    case 'Pod': {
      const { metadata, spec } = template(workload) as { metadata: Record<string, unknown>; spec: unknown };
      return [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { ...metadata, name: workload.name, namespace: workload.namespace },
          spec,
        },
      ];
    }
  }
}

/** A PodDisruptionBudget from the scenario's `pdbs` list or a workload's inline `pdb`. */
export function buildBudget(budget: ScenarioBudget): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: budget.name, namespace: budget.namespace },
    spec: {
      selector: budget.selector === undefined ? null : { matchLabels: budget.selector },
      ...(budget.minAvailable !== undefined ? { minAvailable: budget.minAvailable } : {}),
      ...(budget.maxUnavailable !== undefined ? { maxUnavailable: budget.maxUnavailable } : {}),
      ...(budget.unhealthyPodEvictionPolicy
        ? { unhealthyPodEvictionPolicy: budget.unhealthyPodEvictionPolicy }
        : {}),
    },
  };
}

/** The inline `pdb:` of a workload as a scenario budget selecting the workload's pods. */
export function inlineBudget(workload: ScenarioWorkload): ScenarioBudget | undefined {
  if (!workload.pdb) return undefined;
  return {
    name: workload.pdb.name ?? `${workload.name}-pdb`,
    namespace: workload.namespace,
    selector: podLabels(workload),
    ...(workload.pdb.minAvailable !== undefined ? { minAvailable: workload.pdb.minAvailable } : {}),
    ...(workload.pdb.maxUnavailable !== undefined ? { maxUnavailable: workload.pdb.maxUnavailable } : {}),
    ...(workload.pdb.unhealthyPodEvictionPolicy
      ? { unhealthyPodEvictionPolicy: workload.pdb.unhealthyPodEvictionPolicy }
      : {}),
  };
}
