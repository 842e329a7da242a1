/** A node as ops need to see it: plain data, no SDK types. */
export interface NodeSummary {
  name: string;
  labels: Record<string, string>;
  /** Milliseconds since the epoch. */
  createdAt: number;
  unschedulable: boolean;
  /** The Ready condition's status; undefined when the node reports none. */
  ready: 'True' | 'False' | 'Unknown' | undefined;
  kubeletVersion: string;
}

/** Reads nodes. Small on purpose: operations that change nodes get ports of their own. */
export interface NodeReader {
  listNodes(signal?: AbortSignal): Promise<NodeSummary[]>;
}
