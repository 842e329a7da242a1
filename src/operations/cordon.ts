import { z } from 'zod';
import { type CommandSpec, clusterFlag, rawCommand } from '../commands/grammar.js';
import { clusterRef, nodeName } from '../commands/values.js';
import { cordonAnswer } from '../messages/cordon-result.js';
import { cordonNodes } from '../ops/cordon/cordon-nodes.js';
import { defineOperation, type Operation } from './operation.js';

const command = <N extends 'cordon' | 'uncordon'>(name: N) =>
  z.object({ name: z.literal(name), nodes: z.array(z.string()), cluster: z.string().optional() });

export const CordonCommand = command('cordon');
export const UncordonCommand = command('uncordon');
export type CordonCommand = z.infer<typeof CordonCommand>;
export type UncordonCommand = z.infer<typeof UncordonCommand>;

function grammar<N extends 'cordon' | 'uncordon'>(
  name: N,
): CommandSpec<{ name: N; nodes: string[]; cluster?: string }> {
  return {
    summary:
      name === 'cordon'
        ? 'mark nodes unschedulable: running pods stay, new pods go elsewhere'
        : 'mark nodes schedulable again',
    args: { name: 'node', min: 1, max: 20 },
    flags: [clusterFlag],
    examples: [`${name} worker-1`, `${name} worker-1 worker-2 --cluster prod`],
    schema: rawCommand({ cluster: clusterRef.optional() })
      .extend({ args: z.array(nodeName) })
      .transform((r) => ({ name, nodes: r.args, cluster: r.flags.cluster })),
  };
}

/**
 * `cordon <node…>` and `uncordon <node…>`: one patch per node, under the node locks; one message: the card says
 * what changed (kubectl's words) and what it means.
 */
function cordonOperation<N extends 'cordon' | 'uncordon'>(
  name: N,
  schema: z.ZodType<{ name: N; nodes: string[]; cluster?: string }>,
): Operation<{ name: N; nodes: string[]; cluster?: string }> {
  const unschedulable = name === 'cordon';
  return defineOperation({
    name,
    grammar: grammar(name),
    command: schema,
    mutates: true,
    lock: { scope: 'nodes', nodes: (c) => c.nodes },
    resumable: false,
    async run({ command, ports, signal }) {
      const results = await cordonNodes(ports, command.nodes, unschedulable, signal);
      return {
        summary: results.map((r) => r.line.replace(/^node\//, '')).join(', '),
        answer: cordonAnswer(results, unschedulable),
      };
    },
  });
}

export const cordon = cordonOperation('cordon', CordonCommand);
export const uncordon = cordonOperation('uncordon', UncordonCommand);
