import type { NodeReader } from '../../ports/cluster.js';
import type { DisruptionBudgets } from '../../ports/disruption-budgets.js';
import type { NodeScheduling } from '../../ports/node-scheduling.js';
import type { PodEviction } from '../../ports/pod-eviction.js';
import type { PodInventory } from '../../ports/pod-inventory.js';
import type { PodWatch } from '../../ports/pod-watch.js';
import type { Clock } from '../../shared/clock.js';

/** Everything a drain talks to. */
export interface DrainPorts {
  nodes: NodeScheduling;
  nodeList: NodeReader;
  pods: PodInventory;
  evictions: PodEviction;
  podWatch: PodWatch;
  budgets: DisruptionBudgets;
  clock: Clock;
}

/** kubectl drain's flags, with bosun's defaults filled in by the caller. */
export interface DrainOptions {
  nodes: string[];
  /** Seconds each pod gets to terminate; undefined = the pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
  /** Per node, like kubectl's --timeout; the node stays cordoned when it runs out. */
  timeoutSeconds: number;
  force: boolean;
  deleteEmptyDirData: boolean;
  /** bosun's command always ignores DaemonSet pods; kubectl needs --ignore-daemonsets for that. */
  ignoreDaemonSets: boolean;
  podSelector?: string;
  skipWaitForDeleteTimeoutSeconds?: number;
  /** How long a pod may stay blocked by a budget before the thread is told why (default 60 s). */
  stuckAfterMs?: number;
  /** A blocked pod is retried at least this often even when no budget change arrives (default 10 s). */
  blockedRetryMs?: number;
  /** How often a person's decisions are looked for (default 500 ms). */
  decisionPollMs?: number;
  /** Jitter for retries after a failed eviction request, in [0, 1) (default Math.random). */
  random?: () => number;
}
