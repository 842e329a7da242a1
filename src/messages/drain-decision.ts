import type { DecisionEffect } from '../ops/drain/decision-effect.js';
import type { OperatorDecision } from '../ports/operator-decisions.js';
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

/** The button's words for a decision ("Skip this pod"). */
export const decisionWords = (decision: OperatorDecision): string => WORDS[decision.kind];

/** The thread records who chose what, and what bosun did about it. */
export function drainDecisionMessage(decision: OperatorDecision, effect: DecisionEffect) {
  return notice('info', `<@${decision.by}> chose *${WORDS[decision.kind]}*: bosun ${effectWords(effect)}`);
}
