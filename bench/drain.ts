import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { kubeDrainPorts } from '../src/adapters/k8s/drain-adapters.js';
import { systemClock } from '../src/adapters/system-clock.js';
import { drainNodes } from '../src/ops/drain/drain-nodes.js';
import { type ScenarioInput, startSimulator } from '../src/sim/index.js';
import { type BudgetChain, drainFloorMs, issueFormulaFloorMs } from './lib/drain-floor.js';
import { type BenchRecord, record } from './lib/record.js';

/**
 * `npm run bench -- drain`: bosun's drain and `kubectl drain --ignore-daemonsets` of worker-1, at time scale 1,
 * each against a fresh copy of the scenario: about 40 pods of 16 Deployments (two or three of each on the
 * node) under budgets with maxUnavailable 1.
 *  - drain-fast: grace periods and readiness under 1 s; bosun's wall time against kubectl's (goal ≤ 0.3).
 *  - drain-slow: grace 5–10 s, readiness 2–5 s; bosun's wall time against the floor the budgets allow
 *    (goal ≤ 1.1×), and kubectl's against the same floor.
 * `--runs N` repeats each measurement and keeps the median.
 */

const NODE = 'worker-1';
const DEPLOYMENTS = 16;

interface Shape {
  name: string;
  graceSeconds: (i: number) => number;
  startDelayMs: (i: number) => number;
  readinessMs: (i: number) => number;
}

const FAST: Shape = {
  name: 'drain-fast',
  graceSeconds: () => 0,
  startDelayMs: () => 100,
  readinessMs: (i) => 200 + ((i * 37) % 6) * 100,
};

const SLOW: Shape = {
  name: 'drain-slow',
  graceSeconds: (i) => 5 + ((i * 7) % 6),
  startDelayMs: () => 200,
  readinessMs: (i) => 2000 + ((i * 13) % 4) * 1000,
};

/** 16 Deployments of 7 or 8 replicas over three workers: two or three pods of each on worker-1. */
function scenario(shape: Shape): ScenarioInput {
  return {
    name: shape.name,
    // worker-1 carries a taint only the benchmark's Deployments tolerate, so nothing else (CoreDNS and its
    // 30 s grace period) lands there and the drain measures exactly the pods the budgets pace.
    nodes: [
      { role: 'control-plane' },
      {
        role: 'worker',
        count: 1,
        capacity: { cpu: '32', memory: '64Gi', pods: '110' },
        taints: [{ key: 'bench.bosun.dev/drain', effect: 'NoSchedule' }],
      },
      { role: 'worker', count: 2, capacity: { cpu: '32', memory: '64Gi', pods: '110' } },
    ],
    namespaces: ['shop', 'monitoring'],
    workloads: [
      ...Array.from({ length: DEPLOYMENTS }, (_, i) => ({
        kind: 'Deployment' as const,
        name: `svc-${String(i + 1).padStart(2, '0')}`,
        namespace: 'shop',
        replicas: i % 2 === 0 ? 8 : 7,
        requests: { cpu: '50m', memory: '32Mi' },
        terminationGracePeriodSeconds: shape.graceSeconds(i),
        startDelay: `${shape.startDelayMs(i)}ms`,
        readinessDelay: `${shape.readinessMs(i)}ms`,
        tolerations: [
          { key: 'bench.bosun.dev/drain', operator: 'Exists' as const, effect: 'NoSchedule' as const },
        ],
        pdb: { maxUnavailable: 1 },
      })),
      {
        kind: 'DaemonSet' as const,
        name: 'agent',
        namespace: 'monitoring',
        requests: { cpu: '10m', memory: '16Mi' },
      },
    ],
  };
}

/** A fresh simulator with the scenario, settled; `work` gets its kubeconfig; the simulator is stopped after. */
async function onFreshCopy<T>(
  shape: Shape,
  work: (kubeconfig: string, core: CoreV1Api) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator({ scenario: scenario(shape), timeScale: 1 });
  try {
    await sim.settled({ timeoutMs: 120_000 });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    return await work(sim.kubeconfig(), kc.makeApiClient(CoreV1Api));
  } finally {
    await sim.stop();
  }
}

/** The chains the budgets make on worker-1, read from the cluster as placed. */
async function chainsOf(shape: Shape, core: CoreV1Api): Promise<BudgetChain[]> {
  const pods = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${NODE}` })).items;
  return Array.from({ length: DEPLOYMENTS }, (_, i) => {
    const name = `svc-${String(i + 1).padStart(2, '0')}`;
    return {
      name,
      pods: pods.filter((p) => p.metadata?.labels?.app === name).length,
      graceSeconds: shape.graceSeconds(i),
      replacementReadyMs: shape.startDelayMs(i) + shape.readinessMs(i),
    };
  });
}

async function bosunDrain(shape: Shape): Promise<{ ms: number; chains: BudgetChain[]; pods: number }> {
  return await onFreshCopy(shape, async (kubeconfig, core) => {
    const chains = await chainsOf(shape, core);
    const kc = new KubeConfig();
    kc.loadFromString(kubeconfig);
    const ports = kubeDrainPorts(kc, 'bench', systemClock);
    const started = performance.now();
    const state = await drainNodes(
      ports,
      { nodes: [NODE], timeoutSeconds: 600, force: false, deleteEmptyDirData: false, ignoreDaemonSets: true },
      { signal: new AbortController().signal },
    );
    const ms = performance.now() - started;
    const drain = state.nodes[0];
    if (drain?.outcome !== 'drained') throw new Error(`bosun's drain ended ${drain?.outcome}`);
    return { ms, chains, pods: drain.pods.length };
  });
}

async function kubectlDrain(shape: Shape): Promise<{ ms: number; chains: BudgetChain[] }> {
  return await onFreshCopy(shape, async (kubeconfig, core) => {
    const chains = await chainsOf(shape, core);
    const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-kubectl-'));
    try {
      const path = join(dir, 'kubeconfig');
      await writeFile(path, kubeconfig, { mode: 0o600 });
      const env = {
        KUBECONFIG: path,
        KUBECACHEDIR: join(dir, 'cache'),
        HOME: dir,
        CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
      };
      // Warm kubectl's discovery cache first, so the timed run is the drain and not the first contact.
      await execa('kubectl', ['--cache-dir', join(dir, 'cache'), 'get', 'nodes'], { env, reject: false });
      const started = performance.now();
      const result = await execa(
        'kubectl',
        ['--cache-dir', join(dir, 'cache'), 'drain', NODE, '--ignore-daemonsets', '--timeout=600s'],
        { env, reject: false, timeout: 900_000 },
      );
      const ms = performance.now() - started;
      if (result.exitCode !== 0)
        throw new Error(`kubectl drain failed: ${String(result.stderr).slice(-500)}`);
      return { ms, chains };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

const seconds = (ms: number) => Number((ms / 1000).toFixed(3));

export async function run(args: string[]): Promise<BenchRecord[]> {
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Math.max(1, Number(args[runsFlag + 1] ?? 1)) : 1;
  const records: BenchRecord[] = [];

  const fastBosun: number[] = [];
  const fastKubectl: number[] = [];
  let fastPods = 0;
  for (let i = 0; i < runs; i++) {
    const bosun = await bosunDrain(FAST);
    fastBosun.push(bosun.ms);
    fastPods = bosun.pods;
    fastKubectl.push((await kubectlDrain(FAST)).ms);
  }
  const fast = median(fastBosun);
  const fastBase = median(fastKubectl);
  records.push(
    record({
      name: 'drain-fast',
      metric: 'wall_s',
      value: seconds(fast),
      unit: 's',
      baseline: 'kubectl drain',
      baselineValue: seconds(fastBase),
      ratio: Number((fast / fastBase).toFixed(3)),
      goal: '<= 0.3',
      pods: fastPods,
      runs,
    }),
  );

  const slowBosun: number[] = [];
  const slowKubectl: number[] = [];
  let chains: BudgetChain[] = [];
  let slowPods = 0;
  for (let i = 0; i < runs; i++) {
    const bosun = await bosunDrain(SLOW);
    slowBosun.push(bosun.ms);
    chains = bosun.chains;
    slowPods = bosun.pods;
    slowKubectl.push((await kubectlDrain(SLOW)).ms);
  }
  const floor = drainFloorMs(chains);
  const slow = median(slowBosun);
  const slowBase = median(slowKubectl);
  const longest = chains.reduce((a, b) => (drainFloorMs([b]) > drainFloorMs([a]) ? b : a));
  const detail = {
    pods: slowPods,
    runs,
    longestChain: `${longest.name}: ${longest.pods} pods, grace ${longest.graceSeconds}s, ready ${longest.replacementReadyMs}ms`,
    issueFormulaFloor_s: seconds(issueFormulaFloorMs(chains)),
  };
  records.push(
    record({
      name: 'drain-slow',
      metric: 'wall_s',
      value: seconds(slow),
      unit: 's',
      baseline: 'floor',
      baselineValue: seconds(floor),
      ratio: Number((slow / floor).toFixed(3)),
      goal: '<= 1.1',
      ...detail,
    }),
    record({
      name: 'kubectl-drain-slow',
      metric: 'wall_s',
      value: seconds(slowBase),
      unit: 's',
      baseline: 'floor',
      baselineValue: seconds(floor),
      ratio: Number((slowBase / floor).toFixed(3)),
      ...detail,
    }),
  );
  return records;
}
