import type { ClusterVersions, KubeletGroup } from '../ops/versions/version-skew.js';
import type { SlackMessage } from '../queue/payloads.js';
import { codeBlock, columns, context, escapeMrkdwn, section } from './blocks.js';

const NODES_SHOWN = 4;

function verdictText(group: KubeletGroup): string {
  switch (group.verdict) {
    case 'same':
      return 'same as the API server';
    case 'older':
      return group.minorsBehind === 0
        ? 'older patch, within skew'
        : `${group.minorsBehind} minor${group.minorsBehind === 1 ? '' : 's'} behind, within skew`;
    case 'too-old':
      return `${group.minorsBehind} minors behind: OUT OF SKEW, upgrade before the API server moves on`;
    case 'newer':
      return 'NEWER than the API server: unsupported';
    default:
      return 'unrecognised version';
  }
}

function nodeList(nodes: string[]): string {
  const shown = nodes.slice(0, NODES_SHOWN).join(', ');
  return nodes.length > NODES_SHOWN ? `${shown} +${nodes.length - NODES_SHOWN}` : shown;
}

/** `/bosun versions`: the API server's version and each kubelet version with its nodes and skew. */
export function versionsReply(cluster: string, versions: ClusterVersions): SlackMessage {
  const nodeCount = versions.kubelets.reduce((n, k) => n + k.nodes.length, 0);
  const lines = columns(
    ['KUBELET', 'NODES', 'SKEW'],
    versions.kubelets.map((k) => [
      k.version || '<none>',
      `${k.nodes.length}: ${nodeList(k.nodes)}`,
      verdictText(k),
    ]),
  );
  const headline =
    `*${escapeMrkdwn(cluster)}*: API server *${escapeMrkdwn(versions.apiServer)}*, ` +
    `${nodeCount} node${nodeCount === 1 ? '' : 's'} on ${versions.kubelets.length} kubelet version${versions.kubelets.length === 1 ? '' : 's'}`;
  const verdict = versions.withinSkew
    ? ':white_check_mark: Every kubelet is within the supported skew (never newer than the API server, at most 3 minors older).'
    : ':warning: Some kubelets are outside the supported skew (never newer than the API server, at most 3 minors older).';
  return {
    text: `${cluster}: API server ${versions.apiServer}; ${versions.withinSkew ? 'all kubelets within skew' : 'kubelets out of skew'}`,
    blocks: [section(headline), ...(lines.length > 1 ? [section(codeBlock(lines))] : []), context(verdict)],
  };
}
