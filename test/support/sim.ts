import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api } from '@kubernetes/client-node';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/sim/index.js';
import { Kubectl } from './kubectl.js';

export interface SimRig {
  sim: Simulator;
  /** A kubeconfig file for this simulator (in a temp dir removed by `stop`). */
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  policy: PolicyV1Api;
  /**
   * The real kubectl against this simulator, with a private cache dir (created on first use); `minor` picks a
   * side-by-side binary (OLDEST_KUBECTL, NEWEST_KUBECTL in ./kubectl.ts), else the dispatcher picks by version.
   */
  kubectl(minor?: string): Promise<Kubectl>;
  stop(): Promise<void>;
}

/**
 * Starts a scenario for one test file, settled, at a small time scale (0.01 unless given: a 30 s grace
 * period takes 300 ms). Call `stop()` in afterAll.
 */
export async function startSimRig(
  options: Partial<SimulatorOptions> & Pick<SimulatorOptions, 'scenario'>,
): Promise<SimRig> {
  const sim = await startSimulator({ timeScale: 0.01, ...options });
  const dir = await mkdtemp(join(tmpdir(), 'bosun-sim-'));
  const kubectls = new Map<string, Kubectl>();
  try {
    await sim.settled({ timeoutMs: 20_000 });
    const kubeconfigPath = join(dir, 'kubeconfig');
    await sim.writeKubeconfig(kubeconfigPath);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(sim.kubeconfig());
    return {
      sim,
      kubeconfigPath,
      kubeConfig,
      core: kubeConfig.makeApiClient(CoreV1Api),
      apps: kubeConfig.makeApiClient(AppsV1Api),
      policy: kubeConfig.makeApiClient(PolicyV1Api),
      async kubectl(minor?: string) {
        const key = minor ?? '';
        let kubectl = kubectls.get(key);
        if (!kubectl) {
          kubectl = await Kubectl.forKubeconfig(sim.kubeconfig(), minor);
          kubectls.set(key, kubectl);
        }
        return kubectl;
      },
      async stop() {
        for (const kubectl of kubectls.values()) await kubectl.dispose();
        await sim.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** For `eventually`: true once `read` is answered 404 (the object is gone), undefined while it still reads. */
export async function gone(read: () => Promise<unknown>): Promise<true | undefined> {
  try {
    await read();
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code === 404 ? true : undefined;
  }
}

/** Polls `check` every 20 ms until it returns a value other than undefined, for at most `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
