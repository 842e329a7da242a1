import type { NodeReader, NodeSummary } from '../../ports/cluster.js';
import type { NodeScheduling } from '../../ports/node-scheduling.js';
import { didYouMean } from '../../shared/did-you-mean.js';
import { BosunError } from '../errors.js';

/**
 * Reads every named node; if any is missing, fails before anything changes (as kubectl does), with a
 * "did you mean" drawn from the cluster's node list for a near miss.
 */
export async function requireNodes(
  nodeList: NodeReader,
  nodes: NodeScheduling,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<NodeSummary[]> {
  const found = await Promise.all(names.map((name) => nodes.readNode(name, signal)));
  const missing = names.filter((_, i) => found[i] === undefined);
  if (missing.length === 0) return found.filter((n): n is NodeSummary => n !== undefined);
  const known = (await nodeList.listNodes(signal)).map((n) => n.name);
  const hints = missing
    .map((name) => {
      const suggestion = didYouMean(name, known);
      return suggestion ? `Did you mean \`${suggestion}\` for \`${name}\`?` : undefined;
    })
    .filter((hint): hint is string => hint !== undefined);
  const list = missing.map((n) => `\`${n}\``).join(', ');
  throw new BosunError(
    'NODE_NOT_FOUND',
    missing.length === 1
      ? `There is no node ${list} on this cluster.`
      : `There are no nodes ${list} on this cluster.`,
    hints.length > 0 ? hints.join(' ') : 'The `nodes` command lists the nodes of this cluster.',
  );
}
