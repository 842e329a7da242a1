import { cordonResultMessage } from '../src/messages/cordon-result.js';
import { cordonNodes } from '../src/ops/cordon/cordon-nodes.js';
import { withNodeOperation } from './node-operation.js';
import type { OperationJob } from './request-job.js';

/** `cordon <node…>` and `uncordon <node…>`: one patch per node, under the node locks, kubectl's lines in the thread. */
export const cordonJob: OperationJob = {
  async run(ctx) {
    const { command } = ctx.payload;
    if (command.name !== 'cordon' && command.name !== 'uncordon') {
      throw new Error(`the cordon job got a ${command.name} command`);
    }
    const unschedulable = command.name === 'cordon';
    return await withNodeOperation(ctx, command.nodes, async (operation) => {
      const results = await cordonNodes(operation.ports, command.nodes, unschedulable, operation.signal);
      await ctx.reply(cordonResultMessage(results, unschedulable));
      return { summary: results.map((r) => r.line.replace(/^node\//, '')).join(', ') };
    });
  },
};
