import { z } from 'zod';
import { clusterFlag, rawCommand } from '../commands/grammar.js';
import { clusterRef } from '../commands/values.js';
import { versionsReply } from '../messages/versions-reply.js';
import { clusterVersions } from '../ops/versions/version-skew.js';
import { defineOperation } from './operation.js';

export const VersionsCommand = z.object({ name: z.literal('versions'), cluster: z.string().optional() });
export type VersionsCommand = z.infer<typeof VersionsCommand>;

/** `versions`: read-only; the API server's version and the kubelets', judged by the version skew policy. */
export const versionsOperation = defineOperation<VersionsCommand>({
  name: 'versions',
  grammar: {
    summary: "the control plane's and the kubelets' versions, and whether their skew is supported",
    args: { name: '', min: 0, max: 0 },
    flags: [clusterFlag],
    examples: ['versions', 'versions --cluster prod'],
    schema: rawCommand({ cluster: clusterRef.optional() }).transform((r) => ({
      name: 'versions' as const,
      cluster: r.flags.cluster,
    })),
  },
  command: VersionsCommand,
  mutates: false,
  lock: { scope: 'none' },
  resumable: false,
  async run({ request, ports, signal }) {
    const versions = await clusterVersions(ports, signal);
    return {
      summary: `API server ${versions.apiServer}; ${versions.withinSkew ? 'kubelets within skew' : 'kubelets out of skew'}`,
      answer: versionsReply(request.cluster, versions),
    };
  },
});
