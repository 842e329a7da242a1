import type { Command } from './grammar.js';

/**
 * Commands that read and report but change nothing on a cluster (`nodes`, `drain --dry-run`). Policy still
 * decides who may ask for them; they never wait for an approval.
 */
export function changesNothing(command: Command): boolean {
  switch (command.name) {
    case 'drain':
      return command.dryRun;
    case 'nodes':
    case 'help':
    case 'clusters':
    case 'jobs':
    case 'audit':
      return true;
    default:
      return false;
  }
}
