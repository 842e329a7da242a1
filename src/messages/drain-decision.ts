import type { OperatorDecision } from '../ports/operator-decisions.js';
import { notice } from './notice.js';

const WORDS: Record<OperatorDecision['kind'], string> = {
  'keep-waiting': 'Keep waiting',
  'skip-pod': 'Skip this pod',
  'delete-pod': 'Delete it ignoring the PDB',
  abort: 'Abort and uncordon',
  'maintenance-done': 'Maintenance done',
};

/** The thread records who chose what, and what bosun did about it. */
export function drainDecisionMessage(decision: OperatorDecision, effect: string) {
  return notice('info', `<@${decision.by}> chose *${WORDS[decision.kind]}*: bosun ${effect}`);
}
