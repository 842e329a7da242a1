import { z } from 'zod';
import { parseQuantity } from '../../shared/quantity.js';

/** "250ms", "2s", "1.5m", "1h" or a number of seconds, as milliseconds. */
const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'expected a duration like 500ms, 2s, 1m'),
  ])
  .transform((value) => {
    if (typeof value === 'number') return value * 1000;
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value);
    const amount = Number(match?.[1] ?? 0);
    const unit = match?.[2] ?? 's';
    const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
    return amount * factor;
  });

const quantity = z
  .union([z.string(), z.number()])
  .refine((value) => parseQuantity(value) !== undefined, 'expected a Kubernetes quantity like 500m, 2, 4Gi')
  .transform((value) => String(value));

const version = z.string().regex(/^v\d+\.\d+\.\d+$/, 'expected a version like v1.31.4');

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a lowercase DNS label (a-z, 0-9, -)')
  .max(63);

const labels = z.record(z.string(), z.string());

const taint = z.strictObject({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
});

const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

const resources = z.strictObject({
  cpu: quantity.optional(),
  memory: quantity.optional(),
  pods: quantity.optional(),
  'ephemeral-storage': quantity.optional(),
});

const nodeGroup = z.strictObject({
  role: z.enum(['control-plane', 'worker']),
  count: z.number().int().positive().max(500).default(1),
  kubeletVersion: version.optional(),
  capacity: resources.optional(),
  allocatable: resources.optional(),
  labels: labels.optional(),
  taints: z.array(taint).optional(),
  unschedulable: z.boolean().optional(),
  ready: z.boolean().default(true),
  osImage: z.string().optional(),
  kernelVersion: z.string().optional(),
  containerRuntimeVersion: z.string().optional(),
});

const intOrPercent = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d+%$/, 'expected an integer or a percentage like 50%'),
]);

/** A PodDisruptionBudget declared next to its workload; it selects the workload's pod labels. */
const inlineBudget = z
  .strictObject({
    name: dnsLabel.optional(),
    minAvailable: intOrPercent.optional(),
    maxUnavailable: intOrPercent.optional(),
    unhealthyPodEvictionPolicy: z.enum(['IfHealthyBudget', 'AlwaysAllow']).optional(),
  })
  .refine((b) => !(b.minAvailable !== undefined && b.maxUnavailable !== undefined), {
    message: 'set minAvailable or maxUnavailable, not both',
  });

/** Fields every kind of workload shares: what its pods look like and how the simulated kubelet plays them. */
const podShape = {
  name: dnsLabel,
  namespace: dnsLabel.default('default'),
  /** Pod labels; default `app: <name>`. The workload selects on them. */
  labels: labels.optional(),
  annotations: labels.optional(),
  image: z.string().default('registry.k8s.io/pause:3.10'),
  requests: resources.optional(),
  limits: resources.optional(),
  /** emptyDir volumes: `true` for one named `scratch`, or a list of volume names. */
  emptyDir: z.union([z.boolean(), z.array(dnsLabel)]).optional(),
  nodeSelector: labels.optional(),
  tolerations: z.array(toleration).optional(),
  /** Pin the pods to these nodes (required node affinity on kubernetes.io/hostname). */
  placement: z.strictObject({ nodes: z.array(z.string().min(1)).min(1) }).optional(),
  priorityClassName: z.string().optional(),
  terminationGracePeriodSeconds: z.number().int().nonnegative().optional(),
  /** Time from binding to Running (image pull and container start). */
  startDelay: duration.optional(),
  /** Time from Running to Ready (readiness probe passing). */
  readinessDelay: duration.optional(),
  pdb: inlineBudget.optional(),
};

const deployment = z.strictObject({
  kind: z.literal('Deployment'),
  ...podShape,
  replicas: z.number().int().nonnegative().default(1),
  maxSurge: intOrPercent.optional(),
  maxUnavailable: intOrPercent.optional(),
});

const statefulSet = z.strictObject({
  kind: z.literal('StatefulSet'),
  ...podShape,
  replicas: z.number().int().nonnegative().default(1),
  podManagementPolicy: z.enum(['OrderedReady', 'Parallel']).default('OrderedReady'),
  /**
   * volumeClaimTemplates: each pod gets a claim `<name>-<set>-<ordinal>` mounted at `/<name>`. Class
   * `standard` (the default) is network storage any node can mount; `local` pins the volume to the node its
   * first pod ran on.
   */
  volumeClaims: z
    .array(
      z.strictObject({
        name: dnsLabel,
        storageClassName: z.string().optional(),
        storage: quantity.default('1Gi'),
      }),
    )
    .optional(),
});

const daemonSet = z.strictObject({
  kind: z.literal('DaemonSet'),
  ...podShape,
});

const job = z.strictObject({
  kind: z.literal('Job'),
  ...podShape,
  completions: z.number().int().positive().default(1),
  parallelism: z.number().int().positive().default(1),
  backoffLimit: z.number().int().nonnegative().default(6),
  /** How long each pod runs before it exits. */
  duration: duration.default(10_000),
  /** The first N pods exit with code 1, to exercise backoffLimit. */
  failures: z.number().int().nonnegative().default(0),
});

const pod = z.strictObject({
  kind: z.literal('Pod'),
  ...podShape,
});

const workload = z.discriminatedUnion('kind', [deployment, statefulSet, daemonSet, job, pod]);

const budget = z
  .strictObject({
    name: dnsLabel,
    namespace: dnsLabel.default('default'),
    /** matchLabels; omit for a PDB with a null selector (matches nothing), `{}` for every pod. */
    selector: labels.optional(),
    minAvailable: intOrPercent.optional(),
    maxUnavailable: intOrPercent.optional(),
    unhealthyPodEvictionPolicy: z.enum(['IfHealthyBudget', 'AlwaysAllow']).optional(),
  })
  .refine((b) => !(b.minAvailable !== undefined && b.maxUnavailable !== undefined), {
    message: 'set minAvailable or maxUnavailable, not both',
  });

const namespace = z.union([dnsLabel, z.strictObject({ name: dnsLabel, labels: labels.optional() })]);

/**
 * A simulated cluster: node groups (named `control-plane-N` and `worker-N` in order), namespaces, workloads
 * and PDBs. kube-system with the kubeadm static pods, CoreDNS and kube-proxy is always added.
 */
export const scenarioSchema = z.strictObject({
  name: dnsLabel,
  description: z.string().optional(),
  kubernetesVersion: version.default('v1.31.4'),
  nodes: z.array(nodeGroup).min(1),
  namespaces: z.array(namespace).default([]),
  workloads: z.array(workload).default([]),
  pdbs: z.array(budget).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioWorkload = Scenario['workloads'][number];
export type ScenarioNodeGroup = Scenario['nodes'][number];
export type ScenarioBudget = Scenario['pdbs'][number];
export type ScenarioResources = z.infer<typeof resources>;
