import { nodesReply } from '../src/messages/nodes-reply.js';
import { notice } from '../src/messages/notice.js';
import { listNodes } from '../src/ops/nodes/list-nodes.js';
import type { OperationJob } from './request-job.js';

/** `nodes`: a read-only job; the thread gets the cluster's nodes as `kubectl get nodes` shows them. */
export const nodesJob: OperationJob = {
  async run({ payload, deps, signal, reply }) {
    const cluster = payload.request.cluster ?? '';
    const rows = await listNodes(deps.clusters.nodes(cluster), deps.clock, signal);
    const { message, attachment } = nodesReply(cluster, rows);
    await reply(message);
    if (attachment) await reply(notice('info', 'The full list:'), attachment);
    const ready = rows.filter((r) => r.status.startsWith('Ready')).length;
    return { summary: `${rows.length} nodes, ${ready} Ready` };
  },
};
