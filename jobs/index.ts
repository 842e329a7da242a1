import type { CommandName } from '../src/commands/grammar.js';
import { cordonJob } from './cordon.js';
import { drainJob } from './drain.js';
import { maintainJob } from './maintain.js';
import { nodesJob } from './nodes.js';
import type { OperationJob } from './request-job.js';

/** Job name (the command's name) → the operation that runs it. */
export const JOBS: Partial<Record<CommandName, OperationJob>> = {
  nodes: nodesJob,
  cordon: cordonJob,
  uncordon: cordonJob,
  drain: drainJob,
  maintain: maintainJob,
};
