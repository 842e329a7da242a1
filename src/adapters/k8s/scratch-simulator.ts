import { KubeConfig } from '@kubernetes/client-node';
import type { StartScratchCluster } from '../../backup/restore-drill.js';
import { startSimulator } from '../../sim/index.js';
import { KubeClusterResources } from './kube-cluster-resources.js';

/** The simulator's default when a backup's version is not plain `vX.Y.Z` (a provider suffix, say). */
const FALLBACK_VERSION = 'v1.31.4';

/**
 * A scratch cluster for a restore drill: bosun's own simulator (one control plane, one worker, the add-ons
 * every cluster has) at the backup's Kubernetes version, on a free loopback port, reached through
 * client-node like any cluster, and stopped after the drill.
 */
export const startScratchSimulator: StartScratchCluster = async (manifest) => {
  const version = /^v\d+\.\d+\.\d+/.exec(manifest.kubernetesVersion)?.[0] ?? FALLBACK_VERSION;
  const sim = await startSimulator({
    scenario: {
      name: 'restore-drill',
      description: `scratch cluster for the restore drill of ${manifest.cluster}'s backup ${manifest.id}`,
      kubernetesVersion: version,
      nodes: [{ role: 'control-plane' }, { role: 'worker' }],
    },
    // Restored workloads roll out in milliseconds: nothing waits on them.
    timeScale: 0.01,
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(sim.kubeconfig());
  return { resources: new KubeClusterResources(kubeConfig, 'restore-drill'), stop: () => sim.stop() };
};
