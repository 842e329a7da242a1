import type { NodeRow } from '../ops/nodes/list-nodes.js';
import type { SlackMessage } from '../queue/payloads.js';
import { codeBlock, columns, context, escapeMrkdwn, MAX_TEXT, section } from './blocks.js';

export interface ReplyWithFile {
  message: SlackMessage;
  attachment?: { filename: string; title: string; content: string };
}

const HEADER = ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'];

/** `kubectl get nodes` in the thread; a long list is summarized and attached whole as a file. */
export function nodesReply(cluster: string, nodes: NodeRow[]): ReplyWithFile {
  const lines = columns(
    HEADER,
    nodes.map((n) => [n.name, n.status, n.roles, n.age, n.version]),
  );
  const ready = nodes.filter((n) => n.status.startsWith('Ready')).length;
  const cordoned = nodes.filter((n) => n.status.includes('SchedulingDisabled')).length;
  const versions = [...new Set(nodes.map((n) => n.version))].sort();
  const summary =
    `*${nodes.length} node${nodes.length === 1 ? '' : 's'}* on *${escapeMrkdwn(cluster)}*: ${ready} Ready` +
    (cordoned > 0 ? `, ${cordoned} cordoned` : '') +
    ` · kubelet ${versions.map(escapeMrkdwn).join(', ') || 'n/a'}`;
  const table = lines.join('\n');
  const text = escapeMrkdwn(`${nodes.length} nodes on ${cluster}\n${table}`);
  if (nodes.length === 0) {
    return {
      message: {
        text: `No nodes on ${cluster}.`,
        blocks: [section(`No nodes on *${escapeMrkdwn(cluster)}*.`)],
      },
    };
  }
  if (table.length + 8 <= MAX_TEXT && nodes.length <= 60) {
    return { message: { text, blocks: [section(summary), section(codeBlock(lines))] } };
  }
  const notReady = nodes.filter((n) => !n.status.startsWith('Ready'));
  const highlight =
    notReady.length > 0
      ? columns(
          HEADER,
          notReady.slice(0, 20).map((n) => [n.name, n.status, n.roles, n.age, n.version]),
        )
      : [];
  return {
    message: {
      text: `${nodes.length} nodes on ${cluster}; the full list is attached.`,
      blocks: [
        section(summary),
        ...(highlight.length > 0 ? [section(`Not Ready:\n${codeBlock(highlight)}`)] : []),
        context('The full list is attached as a file.'),
      ],
    },
    attachment: { filename: `nodes-${cluster}.txt`, title: `Nodes on ${cluster}`, content: `${table}\n` },
  };
}
