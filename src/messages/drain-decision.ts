import type { DecisionEffect } from '../ops/drain/decision-effect.js';
import type { OperatorDecision } from '../ports/operator-decisions.js';
import { slackTime } from './approval-time.js';
import { escapeMrkdwn } from './blocks.js';
import { notice } from './notice.js';

const WORDS: Record<OperatorDecision['kind'], string> = {
  'keep-waiting': 'Keep waiting',
  'skip-pod': 'Skip this pod',
  'delete-pod': 'Delete it ignoring the PDB',
  abort: 'Abort and uncordon',
  'maintenance-done': 'Maintenance done',
};

/** What bosun did, finishing the sentence "bosun …". */
function effectWords(effect: DecisionEffect): string {
  if (effect.kind === 'aborting') return 'stops evicting, and uncordons the nodes it cordoned.';
  const pod = `\`${effect.pod.namespace}/${effect.pod.name}\``;
  switch (effect.kind) {
    case 'kept-waiting':
      return `keeps waiting for ${pod}.`;
    case 'skipped':
      return `leaves ${pod} on the node and carries on.`;
    case 'deleted':
      return `deleted ${pod} ignoring its disruption budget.`;
    case 'not-in-drain':
      return `did nothing: ${pod} is not one of the pods this drain evicts.`;
    case 'already-final':
      return `did nothing: ${pod} is already ${effect.state}.`;
    case 'no-node-draining':
      return `did nothing: no node is draining now, so ${pod} was left as it is.`;
    case 'failed':
      return `could not act on ${pod}: ${effect.error}`;
  }
}

/** Where a stuck explanation's buttons were: who chose what, and when. */
export const stuckChoiceLine = (by: string, kind: OperatorDecision['kind'], at: number): string =>
  `<@${by}> chose *${WORDS[kind]}* ${slackTime(at)}.`;

/** Where a stuck explanation's buttons were, once its node's drain ended without a decision about the pod. */
export const stuckEndedLine = (node: string, outcome: string, at: number): string =>
  `The drain of *${escapeMrkdwn(node)}* ended ${slackTime(at)} (${outcome}).`;

/** The thread records who chose what, and what bosun did about it. */
export function drainDecisionMessage(decision: OperatorDecision, effect: DecisionEffect) {
  return notice('info', `<@${decision.by}> chose *${WORDS[decision.kind]}*: bosun ${effectWords(effect)}`);
}
