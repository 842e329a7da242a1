import { AppsV1Api, CoreV1Api, type KubeConfig, PolicyV1Api, VersionApi } from '@kubernetes/client-node';
import type { ClusterPorts } from '../../ops/cluster-ports.js';
import type { BackupStore } from '../../ports/backup-store.js';
import type { Clock } from '../../shared/clock.js';
import { KubeClusterResources } from './kube-cluster-resources.js';
import { KubeDisruptionBudgets } from './kube-disruption-budgets.js';
import { KubeNodeCapacity } from './kube-node-capacity.js';
import { KubeNodeScheduling } from './kube-node-scheduling.js';
import { KubePodEviction } from './kube-pod-eviction.js';
import { KubePodInventory } from './kube-pod-inventory.js';
import { KubePodWatch } from './kube-pod-watch.js';
import { KubeServerVersion } from './kube-server-version.js';
import { KubeNodeReader } from './node-reader.js';

/** The node and pod ports (drains, cordons, previews), for one cluster's KubeConfig. */
export function kubeDrainPorts(
  kubeConfig: KubeConfig,
  cluster: string,
  clock: Clock,
): Omit<ClusterPorts, 'resources' | 'backups' | 'schedules'> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const policy = kubeConfig.makeApiClient(PolicyV1Api);
  return {
    nodes: new KubeNodeScheduling(core, cluster),
    nodeList: new KubeNodeReader(core, cluster),
    pods: new KubePodInventory(core, apps, cluster),
    evictions: new KubePodEviction(core, cluster),
    podWatch: new KubePodWatch(kubeConfig, core, cluster, clock),
    budgets: new KubeDisruptionBudgets(kubeConfig, policy, cluster, clock),
    capacity: new KubeNodeCapacity(core, cluster),
    version: new KubeServerVersion(kubeConfig.makeApiClient(VersionApi), cluster),
    clock,
  };
}

/** Every port operations use, for one cluster's KubeConfig, with the installation's backup store. */
export function kubeClusterPorts(
  kubeConfig: KubeConfig,
  cluster: string,
  clock: Clock,
  backups: BackupStore,
): Omit<ClusterPorts, 'schedules'> {
  return {
    ...kubeDrainPorts(kubeConfig, cluster, clock),
    resources: new KubeClusterResources(kubeConfig, cluster),
    backups,
  };
}
