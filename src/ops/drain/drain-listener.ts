import type { OperatorDecision } from '../../ports/operator-decisions.js';
import type { DecisionEffect } from './decision-effect.js';
import type { DrainProgress } from './drain-progress.js';
import type { DrainState, NodeDrain } from './drain-state.js';
import type { StuckPod } from './stuck-pod.js';

/**
 * What a drain tells the person who asked for it. The job turns these into card updates and thread replies
 * (src/messages); the drain itself knows nothing of Slack.
 */
export interface DrainListener {
  /** This run continues a drain another worker started; `state` is already brought in line with the cluster. */
  resumed?(state: DrainState): Promise<void> | void;
  /** The node is cordoned now (`already`: it was before bosun came). */
  cordoned?(node: string, already: boolean): Promise<void> | void;
  /** The filters ran: what will be evicted, what is ignored and why, or why the node is refused. */
  selected?(drain: NodeDrain): Promise<void> | void;
  /** Something changed; called often, the listener throttles. */
  progress?(progress: DrainProgress): Promise<void> | void;
  /** A pod has been blocked by its budget for longer than the threshold. */
  stuck?(stuck: StuckPod): Promise<void> | void;
  /** A decision from the thread was applied; `effect` says what bosun did about it. */
  decided?(decision: OperatorDecision, effect: DecisionEffect): Promise<void> | void;
  /** One node is finished (drained, refused, failed, cancelled or aborted). */
  nodeFinished?(drain: NodeDrain): Promise<void> | void;
}
