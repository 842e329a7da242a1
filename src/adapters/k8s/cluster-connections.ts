import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ClusterConfig } from '../../config/schema.js';
import { BosunError } from '../../ops/errors.js';
import type { NodeReader } from '../../ports/cluster.js';
import { KubeNodeReader } from './node-reader.js';

/**
 * One KubeConfig per configured cluster, loaded on first use and kept. Adapters for each port are built from
 * it; nothing outside src/adapters sees client-node.
 */
export class ClusterConnections {
  private readonly configs = new Map<string, KubeConfig>();

  constructor(private readonly clusters: readonly ClusterConfig[]) {}

  kubeConfig(name: string): KubeConfig {
    const cached = this.configs.get(name);
    if (cached) return cached;
    const cluster = this.clusters.find((c) => c.name === name);
    if (!cluster) {
      throw new BosunError(
        'UNKNOWN_CLUSTER',
        `Cluster \`${name}\` is not configured on this worker.`,
        'Check that bot and worker share one config.',
      );
    }
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    if (cluster.context) kc.setCurrentContext(cluster.context);
    this.configs.set(name, kc);
    return kc;
  }

  nodes(name: string): NodeReader {
    return new KubeNodeReader(this.kubeConfig(name).makeApiClient(CoreV1Api), name);
  }
}
