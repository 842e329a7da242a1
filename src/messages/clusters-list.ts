import type { SlackMessage } from '../queue/payloads.js';
import { context, escapeMrkdwn, section } from './blocks.js';

export interface ClusterListing {
  name: string;
  isDefault: boolean;
}

/** `/bosun clusters`: the clusters this channel may address. */
export function clustersMessage(clusters: ClusterListing[], slash: string): SlackMessage {
  if (clusters.length === 0) {
    return {
      text: 'No cluster is configured for this channel.',
      blocks: [
        section(
          "No cluster is configured for this channel. An admin adds channels to `clusters[].channels` in bosun's config.",
        ),
      ],
    };
  }
  const lines = clusters.map((c) => `• *${escapeMrkdwn(c.name)}*${c.isDefault ? ' (default here)' : ''}`);
  return {
    text: `Clusters for this channel: ${clusters.map((c) => c.name).join(', ')}`,
    blocks: [
      section(`*Clusters this channel may address*\n${lines.join('\n')}`),
      context(
        `Name one with \`--cluster NAME\`, e.g. \`${slash} nodes --cluster ${escapeMrkdwn(clusters[0]?.name ?? 'prod')}\`.`,
      ),
    ],
  };
}
