export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** A node as the preview's room check sees it: what it offers and whether new pods may land on it. */
export interface NodeCapacity {
  name: string;
  /** What a pod's nodeSelector and node affinity match against. */
  labels: Record<string, string>;
  unschedulable: boolean;
  ready: boolean;
  taints: Taint[];
  allocatable: { cpuMillis: number; memoryBytes: number; pods: number };
}

export interface NodeCapacities {
  listNodeCapacity(signal?: AbortSignal): Promise<NodeCapacity[]>;
}
