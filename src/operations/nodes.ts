import { z } from 'zod';
import { clusterFlag, rawCommand } from '../commands/grammar.js';
import { clusterRef } from '../commands/values.js';
import { nodesReply } from '../messages/nodes-reply.js';
import { notice } from '../messages/notice.js';
import { listNodes } from '../ops/nodes/list-nodes.js';
import { defineOperation } from './operation.js';

export const NodesCommand = z.object({ name: z.literal('nodes'), cluster: z.string().optional() });
export type NodesCommand = z.infer<typeof NodesCommand>;

/**
 * `nodes`: read-only; the card itself shows the cluster's nodes as `kubectl get nodes` does (one message); a list
 * too long for a message is summarized there and attached whole in the thread.
 */
export const nodesOperation = defineOperation<NodesCommand>({
  name: 'nodes',
  grammar: {
    summary: 'list the nodes with status, roles, age and version',
    args: { name: '', min: 0, max: 0 },
    flags: [clusterFlag],
    examples: ['nodes', 'nodes --cluster prod'],
    schema: rawCommand({ cluster: clusterRef.optional() }).transform((r) => ({
      name: 'nodes' as const,
      cluster: r.flags.cluster,
    })),
  },
  command: NodesCommand,
  mutates: false,
  lock: { scope: 'none' },
  resumable: false,
  async run({ request, ports, env, signal, reply }) {
    const rows = await listNodes(ports.nodeList, env.clock, signal);
    const { message, attachment } = nodesReply(request.cluster, rows);
    const ready = rows.filter((r) => r.status.startsWith('Ready')).length;
    const summary = `${rows.length} nodes, ${ready} Ready`;
    if (!attachment) return { summary, answer: message };
    // Too long for one message: the card says what matters, the thread carries the whole list as a file.
    await reply(message);
    await reply(notice('info', 'The full list:'), attachment);
    return { summary };
  },
});
