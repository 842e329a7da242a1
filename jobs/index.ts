import type { CommandName } from '../src/commands/grammar.js';
import { nodesJob } from './nodes.js';
import type { OperationJob } from './request-job.js';

/** Job name (the command's name) → the operation that runs it. */
export const JOBS: Partial<Record<CommandName, OperationJob>> = {
  nodes: nodesJob,
};
