import type { NodeReader } from '../../ports/cluster.js';
import type { ServerVersion } from '../../ports/server-version.js';

/** `v1.31.4` → [1, 31, 4]; undefined for anything else. */
export function parseVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** How far a kubelet may trail the API server: 3 minors, 2 for kubelets older than 1.25 (version skew policy). */
export function kubeletSkewAllowed(kubeletMinor: number): number {
  return kubeletMinor < 25 ? 2 : 3;
}

export type KubeletVerdict = 'same' | 'older' | 'too-old' | 'newer' | 'unknown';

export interface KubeletGroup {
  version: string;
  nodes: string[];
  /** Minors behind the API server (negative: ahead of it). */
  minorsBehind?: number;
  verdict: KubeletVerdict;
}

export interface ClusterVersions {
  apiServer: string;
  kubelets: KubeletGroup[];
  /** Whether every kubelet is within the skew the API server supports. */
  withinSkew: boolean;
}

/** Compares one kubelet version with the API server's. */
export function kubeletVerdict(
  apiServer: string,
  kubelet: string,
): Pick<KubeletGroup, 'minorsBehind' | 'verdict'> {
  const server = parseVersion(apiServer);
  const node = parseVersion(kubelet);
  if (!server || !node || server[0] !== node[0]) return { verdict: 'unknown' };
  const minorsBehind = server[1] - node[1];
  if (minorsBehind < 0 || (minorsBehind === 0 && node[2] > server[2]))
    return { minorsBehind, verdict: 'newer' };
  if (minorsBehind > kubeletSkewAllowed(node[1])) return { minorsBehind, verdict: 'too-old' };
  return { minorsBehind, verdict: minorsBehind === 0 && node[2] === server[2] ? 'same' : 'older' };
}

/** The API server's version and the kubelets' grouped by version, newest first, each judged by the skew policy. */
export async function clusterVersions(
  ports: { version: ServerVersion; nodeList: NodeReader },
  signal?: AbortSignal,
): Promise<ClusterVersions> {
  const [apiServer, nodes] = await Promise.all([
    ports.version.gitVersion(signal),
    ports.nodeList.listNodes(signal),
  ]);
  const byVersion = new Map<string, string[]>();
  for (const node of nodes) {
    const names = byVersion.get(node.kubeletVersion) ?? [];
    names.push(node.name);
    byVersion.set(node.kubeletVersion, names);
  }
  const kubelets = [...byVersion.entries()]
    .map(([version, names]) => ({ version, nodes: names.sort(), ...kubeletVerdict(apiServer, version) }))
    .sort((a, b) => compareVersions(b.version, a.version));
  return {
    apiServer,
    kubelets,
    withinSkew: kubelets.every((k) => k.verdict === 'same' || k.verdict === 'older'),
  };
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  if (!x || !y) return a.localeCompare(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}
