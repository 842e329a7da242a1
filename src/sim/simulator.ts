import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../shared/clock.js';
import { ScaledClock } from './clock/scaled-clock.js';
import { clusterCaPem } from './controllers/cluster-ca.js';
import { unsettled } from './controllers/cluster-settled.js';
import { findCondition } from './controllers/conditions.js';
import { upgradeControlPlaneImages } from './controllers/control-plane-upgrade.js';
import { upgradeKubelet } from './controllers/kubelet-upgrade.js';
import { NodeAgents } from './controllers/node-agents.js';
import { resources } from './controllers/resources.js';
import { startControllers } from './controllers/run-controllers.js';
import { silentLog } from './controllers/sim-log.js';
import { evictionHandler } from './eviction/eviction-handler.js';
import { createApiServer, type FaultInjector, renderKubeconfig } from './http/index.js';
import { createRegistry, type SimRegistry } from './registry/index.js';
import { applyScenario } from './scenarios/apply-scenario.js';
import { loadScenario } from './scenarios/load-scenario.js';
import { nodeNames } from './scenarios/node-names.js';
import type { Scenario, ScenarioInput } from './scenarios/scenario-schema.js';
import type { KubeObject } from './types.js';

export interface SimulatorOptions {
  /** A shipped scenario's name (`small`, `busy`, `mixed-versions`), a YAML file path, or a scenario object. */
  scenario: string | ScenarioInput | Scenario;
  /** Port to listen on; default a free one. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Multiplies every duration the simulated cluster plays: 0.001 turns a 30 s grace period into 30 ms. */
  timeScale?: number;
  /** Serve HTTPS with a CA generated at start (the kubeconfig carries it). */
  https?: boolean;
  /** The time the simulator runs on (timestamps and the base of the time scale); default real time. */
  clock?: Clock;
  /** Controller warnings and API request lines (debug); default silent. */
  logger?: Logger;
}

export interface Simulator {
  url: string;
  scenario: Scenario;
  /** kubeconfig YAML: the admin client certificate and the CA (https), or a bearer token and insecure-skip-tls-verify (http). */
  kubeconfig(): string;
  writeKubeconfig(path: string): Promise<void>;
  /** Resolves once all nodes are Ready, every pod Running and Ready, every workload at its desired state. */
  settled(options?: { timeoutMs?: number }): Promise<void>;
  registry: SimRegistry;
  /** HTTP fault injection (never on by default). */
  faults: FaultInjector;
  nodes: {
    /** Stops (false) or restarts (true) a node's kubelet; resolves once the node's Ready condition shows it. */
    setReady(name: string, ready: boolean): Promise<void>;
    /** A kubelet upgrade on one node: nodeInfo versions change, the node stays Ready. */
    upgradeKubelet(name: string, version: string): Promise<KubeObject>;
  };
  controlPlane: {
    readonly version: string;
    /** A control-plane upgrade: `/version` and the control-plane static pods change, node versions do not. */
    upgrade(version: string): Promise<void>;
  };
  stop(): Promise<void>;
}

const nodesPath = /^\/_sim\/nodes\/([^/]+)\/(ready|kubelet-version)$/;

function bodyField(body: unknown, field: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
}

/**
 * Starts a simulated Kubernetes cluster: the API server (real kubectl and client-node talk to it over
 * loopback), the scenario's objects, and the controllers and kubelets that make it live.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const scenario = await loadScenario(options.scenario);
  const base = options.clock ?? systemClock;
  const clock = new ScaledClock(options.timeScale ?? 1, base);
  const log = options.logger ?? silentLog;
  const registry = createRegistry({ clock: base, serviceAccountAdmission: true });
  registry.setSubresourceHandler('pods', 'eviction', evictionHandler(clock));
  const agents = new NodeAgents();
  // Nodes the scenario starts NotReady have no running kubelet until someone brings them back.
  const names = nodeNames(scenario);
  scenario.nodes.forEach((group, index) => {
    if (!group.ready) for (const name of names[index] ?? []) agents.setRunning(name, false);
  });
  // The API server comes up first, as on a real cluster; the controllers publish its CA.
  const token = randomBytes(16).toString('hex');
  const server = await createApiServer({
    registry,
    adminToken: token,
    host: options.host,
    port: options.port,
    https: options.https,
    version: scenario.kubernetesVersion,
    clock: base,
    logger: options.logger,
  });
  const controllers = await startControllers({
    registry,
    clock,
    log,
    agents,
    rootCaPem: await clusterCaPem(server.ca),
  });
  // The scenario comes up on running controllers, one workload after another (see applyScenario).
  await applyScenario(registry, scenario, base, { controllersRunning: true });
  let version = scenario.kubernetesVersion;

  const waitFor = async (what: string, done: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const nodes: Simulator['nodes'] = {
    async setReady(name, ready) {
      await registry.get(resources.nodes, undefined, name);
      agents.setRunning(name, ready);
      const wanted = ready ? 'True' : 'Unknown';
      await waitFor(
        `node ${name} becoming ${ready ? 'Ready' : 'NotReady'}`,
        async () =>
          findCondition((await registry.get(resources.nodes, undefined, name)).status?.conditions, 'Ready')
            ?.status === wanted,
        10_000,
      );
    },
    upgradeKubelet: (name, to) => upgradeKubelet(registry, name, to),
  };

  const controlPlane: Simulator['controlPlane'] = {
    get version() {
      return version;
    },
    async upgrade(to) {
      if (!/^v\d+\.\d+\.\d+/.test(to))
        throw new RangeError(`not a Kubernetes version: ${to} (expected e.g. v1.32.4)`);
      server.setVersion(to);
      version = to;
      await upgradeControlPlaneImages(registry, to);
    },
  };

  server.addAdminRoute('GET', /^\/_sim\/nodes$/, async () => {
    const { items } = await registry.list(resources.nodes);
    return {
      code: 200,
      body: items.map((node) => ({
        name: node.metadata.name,
        kubeletRunning: agents.isRunning(node.metadata.name ?? ''),
        ready: findCondition(node.status?.conditions, 'Ready')?.status ?? 'Unknown',
        kubeletVersion: node.status?.nodeInfo?.kubeletVersion,
      })),
    };
  });
  for (const method of ['PUT', 'POST']) {
    server.addAdminRoute(method, nodesPath, async ({ match, body }) => {
      const name = decodeURIComponent(match[1] ?? '');
      if (match[2] === 'ready') {
        const ready = bodyField(body, 'ready');
        if (typeof ready !== 'boolean') return { code: 400, body: { error: 'send {"ready": true|false}' } };
        await nodes.setReady(name, ready);
        return { code: 200, body: { name, ready } };
      }
      const to = bodyField(body, 'version');
      if (typeof to !== 'string') return { code: 400, body: { error: 'send {"version": "v1.32.4"}' } };
      const node = await nodes.upgradeKubelet(name, to);
      return { code: 200, body: { name, kubeletVersion: node.status?.nodeInfo?.kubeletVersion } };
    });
    server.addAdminRoute(method, /^\/_sim\/control-plane\/version$/, async ({ body }) => {
      const to = bodyField(body, 'version');
      if (typeof to !== 'string') return { code: 400, body: { error: 'send {"version": "v1.32.4"}' } };
      await controlPlane.upgrade(to);
      return { code: 200, body: { version: to } };
    });
  }

  const kubeconfig = () =>
    renderKubeconfig({
      server: server.url,
      ca: server.ca,
      clientCertificate: server.clientCertificate,
      token,
    });
  let stopped = false;

  return {
    url: server.url,
    scenario,
    kubeconfig,
    async writeKubeconfig(path) {
      await writeFile(path, kubeconfig(), { mode: 0o600 });
    },
    async settled({ timeoutMs = 30_000 } = {}) {
      let problems: string[] = [];
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        problems = await unsettled(registry);
        if (problems.length === 0) return;
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const shown = problems.slice(0, 10).join('\n  ');
      const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : '';
      throw new Error(`the simulated cluster did not settle within ${timeoutMs} ms:\n  ${shown}${more}`);
    },
    registry,
    faults: server.faults,
    nodes,
    controlPlane,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await controllers.stop();
    },
  };
}
