/** A pod as node operations need to see it: plain data, no SDK types. */
export interface PodRef {
  namespace: string;
  name: string;
}

/** The pod's managing controller (`ownerReferences[].controller == true`). */
export interface PodController {
  kind: string;
  name: string;
  uid: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** One requirement of a node selector term: a label (or, in `matchFields`, `metadata.name`) against values. */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/** A term of the required node affinity: every requirement holds (an empty term selects no node). */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodSummary extends PodRef {
  uid: string;
  nodeName?: string;
  phase: PodPhase;
  /** The Ready condition is True. */
  ready: boolean;
  labels: Record<string, string>;
  /** Carries the `kubernetes.io/config.mirror` annotation: a static pod the API server only mirrors. */
  mirror: boolean;
  controller?: PodController;
  /** Names of the pod's emptyDir volumes (their data is lost on eviction). */
  emptyDirVolumes: string[];
  /** Milliseconds since the epoch at which the pod's grace period ends; set once it is being deleted. */
  deletionTimestamp?: number;
  /** `spec.terminationGracePeriodSeconds` (30 when unset). */
  terminationGracePeriodSeconds: number;
  /** Sum of the containers' requests. */
  requests: { cpuMillis: number; memoryBytes: number };
  tolerations: Toleration[];
  /** `spec.nodeSelector`: labels a node must carry, each with this value. */
  nodeSelector: Record<string, string>;
  /**
   * `spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`: a node must
   * match one of them; undefined when the pod has no required node affinity.
   */
  requiredNodeAffinity?: NodeSelectorTerm[];
  createdAt: number;
  /** The scheduler's words while it finds no node for the pod (`PodScheduled=False`, reason Unschedulable). */
  unschedulable?: string;
  /** Why a container is not running yet (`state.waiting.reason`: ContainerCreating, CrashLoopBackOff, …). */
  waiting?: string;
}

export interface PodQuery {
  /** Only pods bound to this node (`spec.nodeName`). */
  node?: string;
  /** A Kubernetes label selector (`app=web,tier!=db`), applied by the API server. */
  labelSelector?: string;
}

/** Reads pods and the one owner kind a drain must look up (kubectl GETs the DaemonSet of each DS pod). */
export interface PodInventory {
  listPods(query: PodQuery, signal?: AbortSignal): Promise<PodSummary[]>;
  /** Whether the DaemonSet exists; the error text of the lookup when it does not (kubectl prints it). */
  daemonSet(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<{ exists: true } | { exists: false; message: string }>;
  /**
   * The message of the newest FailedScheduling Event about the pod (the scheduler's reason it stays Pending),
   * undefined when there is none or Events cannot be read. Optional: an inventory without Events leaves it out.
   */
  failedScheduling?(pod: PodRef & { uid: string }, signal?: AbortSignal): Promise<string | undefined>;
}
