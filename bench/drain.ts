import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { kubeDrainPorts } from '../src/adapters/k8s/drain-adapters.js';
import { drainNodes } from '../src/ops/drain/drain-nodes.js';
import { systemClock } from '../src/shared/clock.js';
import { loadScenario, type Scenario, startSimulator } from '../src/sim/index.js';
import { type BudgetChain, drainFloorMs, issueFormulaFloorMs } from './lib/drain-floor.js';
import { type BenchRecord, record } from './lib/record.js';

/**
 * `npm run bench -- drain`: bosun's drain and `kubectl drain --ignore-daemonsets` of worker-1, at time scale 1,
 * each against a fresh copy of the scenario (bench/scenarios): about 40 pods of 16 Deployments (two or three
 * of each on the node) under budgets with maxUnavailable 1.
 *  - drain-fast: grace periods and readiness under 1 s; bosun's wall time against kubectl's (goal ≤ 0.3).
 *  - drain-slow: grace 5–10 s, readiness 2–5 s; bosun's wall time against the floor the budgets allow
 *    (goal ≤ 1.1×), and kubectl's against the same floor.
 * `--runs N` repeats each measurement and keeps the median.
 */

const NODE = 'worker-1';

/** The benchmark's scenarios (bench/scenarios/*.yaml), loaded and validated by the simulator's loader. */
const scenarioFile = (name: string) => fileURLToPath(new URL(`./scenarios/${name}.yaml`, import.meta.url));

interface BenchScenario {
  file: string;
  /** As loaded: durations in milliseconds. */
  scenario: Scenario;
}

/** A fresh simulator with the scenario, settled; `work` gets its kubeconfig; the simulator is stopped after. */
async function onFreshCopy<T>(
  { file }: BenchScenario,
  work: (kubeconfig: string, core: CoreV1Api) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator({ scenario: file, timeScale: 1 });
  try {
    await sim.settled({ timeoutMs: 120_000 });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    return await work(sim.kubeconfig(), kc.makeApiClient(CoreV1Api));
  } finally {
    await sim.stop();
  }
}

/**
 * The chains the budgets make on worker-1: for each Deployment, its pods placed there (read from the cluster)
 * and its grace period and replacement readiness (start delay + readiness delay, from the scenario).
 */
async function chainsOf({ scenario }: BenchScenario, core: CoreV1Api): Promise<BudgetChain[]> {
  const pods = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${NODE}` })).items;
  return scenario.workloads
    .filter((w) => w.kind === 'Deployment' && w.pdb !== undefined)
    .map((w) => ({
      name: w.name,
      pods: pods.filter((p) => p.metadata?.labels?.app === w.name).length,
      graceSeconds: w.terminationGracePeriodSeconds ?? 30,
      replacementReadyMs: (w.startDelay ?? 1000) + (w.readinessDelay ?? 1000),
    }));
}

async function bosunDrain(
  scenario: BenchScenario,
): Promise<{ ms: number; chains: BudgetChain[]; pods: number }> {
  return await onFreshCopy(scenario, async (kubeconfig, core) => {
    const chains = await chainsOf(scenario, core);
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

async function kubectlDrain(scenario: BenchScenario): Promise<{ ms: number; chains: BudgetChain[] }> {
  return await onFreshCopy(scenario, async (kubeconfig, core) => {
    const chains = await chainsOf(scenario, core);
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
  const load = async (name: string): Promise<BenchScenario> => {
    const file = scenarioFile(name);
    return { file, scenario: await loadScenario(file) };
  };
  const FAST = await load('drain-fast');
  const SLOW = await load('drain-slow');

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
