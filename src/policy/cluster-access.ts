import type { ClusterConfig } from '../config/schema.js';
import { didYouMean } from '../shared/did-you-mean.js';

export type ClusterResolution =
  | { ok: true; cluster: ClusterConfig }
  | { ok: false; message: string; hint: string };

/** The clusters a channel may address, its default first. */
export function clustersForChannel(clusters: readonly ClusterConfig[], channel: string): ClusterConfig[] {
  return clusters
    .filter((c) => c.channels.includes(channel))
    .sort((a, b) => Number(b.defaultIn.includes(channel)) - Number(a.defaultIn.includes(channel)));
}

/**
 * Which cluster a command in `channel` acts on: the one it names (if this channel may address it), else the
 * channel's default, else the only cluster the channel may address.
 */
export function resolveCluster(
  clusters: readonly ClusterConfig[],
  channel: string,
  requested: string | undefined,
  slash: string,
): ClusterResolution {
  const allowed = clustersForChannel(clusters, channel);
  if (requested !== undefined) {
    const cluster = allowed.find((c) => c.name === requested);
    if (cluster) return { ok: true, cluster };
    const exists = clusters.some((c) => c.name === requested);
    const suggestion = didYouMean(
      requested,
      allowed.map((c) => c.name),
    );
    return {
      ok: false,
      message: exists
        ? `Cluster \`${requested}\` may not be addressed from this channel.`
        : `There is no cluster \`${requested}\`.`,
      hint: suggestion
        ? `Did you mean \`--cluster ${suggestion}\`?`
        : allowed.length > 0
          ? `This channel may address: ${allowed.map((c) => `\`${c.name}\``).join(', ')}.`
          : 'No cluster is configured for this channel.',
    };
  }
  const fallback =
    allowed.find((c) => c.defaultIn.includes(channel)) ?? (allowed.length === 1 ? allowed[0] : undefined);
  if (fallback) return { ok: true, cluster: fallback };
  if (allowed.length === 0) {
    return {
      ok: false,
      message: 'No cluster is configured for this channel.',
      hint: "An admin adds this channel to a cluster's `channels` in bosun's config.",
    };
  }
  return {
    ok: false,
    message: 'This channel may address several clusters and has no default.',
    hint: `Name one with \`--cluster\`: ${allowed.map((c) => `\`${c.name}\``).join(', ')} (see \`${slash} clusters\`).`,
  };
}
