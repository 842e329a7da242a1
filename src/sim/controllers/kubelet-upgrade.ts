import { type KubeObject, type Registry, StatusError } from '../types.js';
import { resources } from './resources.js';

/**
 * A kubelet upgrade (or restart into a new version) on one node: `status.nodeInfo.kubeletVersion` and
 * `kubeProxyVersion` (the kubelet still reports its own version there in 1.31-1.32) change with a new
 * resourceVersion; the node stays Ready. Drain and uncordon are the caller's business, as on a real node.
 */
export async function upgradeKubelet(
  registry: Registry,
  nodeName: string,
  version: string,
): Promise<KubeObject> {
  if (!/^v\d+\.\d+\.\d+/.test(version))
    throw new RangeError(`not a Kubernetes version: ${version} (expected e.g. v1.32.4)`);
  for (let attempt = 0; ; attempt++) {
    const node = await registry.get(resources.nodes, undefined, nodeName);
    const nodeInfo = { ...node.status?.nodeInfo, kubeletVersion: version, kubeProxyVersion: version };
    try {
      return await registry.update(
        resources.nodes,
        undefined,
        { ...node, status: { ...node.status, nodeInfo } },
        { subresource: 'status' },
      );
    } catch (error) {
      // A controller wrote the node in between; read it again.
      if (attempt >= 10 || !(error instanceof StatusError && error.code === 409)) throw error;
    }
  }
}
