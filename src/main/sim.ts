import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ScenarioError, shippedScenarioNames, startSimulator } from '../sim/index.js';

const USAGE = `Usage: bosun sim --scenario NAME|FILE [--port P] [--kubeconfig FILE] [--time-scale X] [--https]

Runs the Kubernetes API simulator with a scenario until Ctrl-C. kubectl and client libraries work against it.

Options:
  --scenario NAME|FILE  a shipped scenario (small, busy, mixed-versions) or a scenario YAML file
  --port P              port on 127.0.0.1 (default: a free one)
  --kubeconfig FILE     where to write the kubeconfig (default: a file in the temp directory)
  --time-scale X        multiply every simulated duration by X (0.01: a 30 s grace period takes 0.3 s)
  --https               serve HTTPS with a generated CA; the kubeconfig carries it and an admin client
                        certificate, and requests are authenticated and checked against RBAC
  -h, --help            show this help`;

/** Where runSim writes and how it is stopped; tests replace the process's streams and signals. */
export interface SimIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the simulator should stop (default: SIGINT or SIGTERM). */
  stopRequested(): Promise<void>;
}

const processIo: SimIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopRequested: () =>
    new Promise<void>((done) => {
      const onSignal = (signal: NodeJS.Signals) => {
        process.stderr.write(`bosun sim: ${signal} received, stopping…\n`);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        done();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }),
};

interface SimArgs {
  scenario: string;
  port?: number;
  kubeconfig?: string;
  timeScale: number;
  https: boolean;
}

class UsageError extends Error {}

function parse(argv: string[]): SimArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        scenario: { type: 'string' },
        port: { type: 'string' },
        kubeconfig: { type: 'string' },
        'time-scale': { type: 'string' },
        https: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const scenario = values.scenario;
  if (typeof scenario !== 'string' || scenario === '') throw new UsageError('--scenario is required');
  let port: number | undefined;
  if (typeof values.port === 'string') {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be a port number, got "${values.port}"`);
  }
  let timeScale = 1;
  if (typeof values['time-scale'] === 'string') {
    timeScale = Number(values['time-scale']);
    if (!Number.isFinite(timeScale) || timeScale <= 0) {
      throw new UsageError(`--time-scale must be a positive number, got "${values['time-scale']}"`);
    }
  }
  return {
    scenario,
    port,
    kubeconfig: typeof values.kubeconfig === 'string' ? values.kubeconfig : undefined,
    timeScale,
    https: values.https === true,
  };
}

/**
 * `bosun sim`: starts the simulator with a scenario, writes the kubeconfig, prints the URL once the cluster
 * has settled, and runs until SIGINT/SIGTERM. Exit 2 on usage errors, 1 when the simulator cannot start.
 */
export async function runSim(argv: string[], io: SimIo = processIo): Promise<number> {
  let args: SimArgs | 'help';
  try {
    args = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`bosun sim: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    io.out(USAGE);
    return 0;
  }
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  try {
    simulator = await startSimulator({
      scenario: args.scenario,
      port: args.port,
      timeScale: args.timeScale,
      https: args.https,
    });
  } catch (error) {
    if (error instanceof ScenarioError) {
      io.err(`bosun sim: ${error.message}`);
      return 2;
    }
    const shipped = await shippedScenarioNames().catch(() => []);
    io.err(
      `bosun sim: could not start: ${(error as Error).message}${shipped.length ? ` (shipped scenarios: ${shipped.join(', ')})` : ''}`,
    );
    return 1;
  }
  const kubeconfigPath = resolve(args.kubeconfig ?? join(tmpdir(), `bosun-sim-${process.pid}.kubeconfig`));
  try {
    await simulator.writeKubeconfig(kubeconfigPath);
    io.out(
      `bosun sim: scenario ${simulator.scenario.name}, Kubernetes ${simulator.scenario.kubernetesVersion}, time scale ${args.timeScale}`,
    );
    io.out(`bosun sim: kubeconfig written to ${kubeconfigPath}`);
    const stop = io.stopRequested();
    const settled = simulator.settled({ timeoutMs: Math.max(30_000, 120_000 * args.timeScale) }).then(
      () => true,
      (error: unknown) => error as Error,
    );
    const first = await Promise.race([settled, stop.then(() => 'stop' as const)]);
    if (first === true) {
      io.out(`bosun sim: cluster settled; API server at ${simulator.url}`);
      io.out(`  export KUBECONFIG=${kubeconfigPath}; kubectl get nodes`);
    } else if (first instanceof Error) {
      io.err(`bosun sim: ${first.message}`);
      io.out(`bosun sim: API server at ${simulator.url} (not settled)`);
    }
    await stop;
    return 0;
  } finally {
    await simulator.stop();
    if (!args.kubeconfig) await rm(kubeconfigPath, { force: true });
  }
}
