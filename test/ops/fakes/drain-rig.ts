import type { DrainOptions, DrainPorts } from '../../../src/ops/drain/drain-ports.js';
import { FakeCluster, type FakeWorkload } from './fake-cluster.js';
import { ManualClock } from './manual-clock.js';

/** A fake cluster with worker-1 (to drain) and worker-2/3 (room for replacements), on a manual clock. */
export function drainRig() {
  const clock = new ManualClock();
  const cluster = new FakeCluster(clock);
  for (const name of ['worker-1', 'worker-2', 'worker-3']) cluster.addNode(name);
  const ports: DrainPorts = {
    nodes: cluster,
    nodeList: cluster,
    pods: cluster,
    evictions: cluster,
    podWatch: cluster,
    budgets: cluster,
    clock,
  };
  return { clock, cluster, ports };
}

export function drainOptions(extra: Partial<DrainOptions> = {}): DrainOptions {
  return {
    nodes: ['worker-1'],
    timeoutSeconds: 600,
    force: false,
    deleteEmptyDirData: false,
    ignoreDaemonSets: true,
    ...extra,
  };
}

export function web(extra: Partial<FakeWorkload> = {}): FakeWorkload {
  return {
    namespace: 'shop',
    name: 'web',
    kind: 'ReplicaSet',
    replicas: 3,
    labels: { app: 'web' },
    graceSeconds: 5,
    readyAfterMs: 700,
    ...extra,
  };
}
