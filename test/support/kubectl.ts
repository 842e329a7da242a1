import { access, constants, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { execa, type Result } from 'execa';

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * The kubectl minors the machines carry side by side (`kubectl.1.27` … `kubectl.1.33` beside `kubectl`, which picks
 * one by the server's version): conformance tests run at least the oldest and the newest.
 */
export const OLDEST_KUBECTL = '1.27';
export const NEWEST_KUBECTL = '1.33';
export const KUBECTL_EDGES = [OLDEST_KUBECTL, NEWEST_KUBECTL] as const;

/**
 * Where `kubectl.<minor>` is: on PATH, or beside the binary the `kubectl` on PATH resolves to (the dispatcher's own
 * directory, which the machines do not put on PATH).
 */
async function sideBySide(minor: string): Promise<string> {
  const name = `kubectl.${minor}`;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const executable = async (path: string) =>
    access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
  for (const dir of dirs) if (await executable(join(dir, name))) return join(dir, name);
  for (const dir of dirs) {
    const dispatcher = join(dir, 'kubectl');
    if (!(await executable(dispatcher))) continue;
    const beside = join(dirname(await realpath(dispatcher)), name);
    if (await executable(beside)) return beside;
  }
  throw new Error(
    `${name} is not on PATH nor beside kubectl; the machines carry kubectl 1.27 to 1.33 side by side`,
  );
}

/**
 * The real `kubectl` from PATH against one API server: its own kubeconfig file and a private discovery cache
 * (KUBECACHEDIR), so nothing leaks between tests or from the machine's ~/.kube.
 */
export class Kubectl {
  private constructor(
    private readonly dir: string,
    readonly kubeconfigPath: string,
    /** The binary: `kubectl` (the dispatcher) or `kubectl.<minor>`. */
    readonly binary: string,
  ) {}

  /** `minor` picks `kubectl.<minor>` (e.g. OLDEST_KUBECTL); without it, `kubectl` picks by the server's version. */
  static async forKubeconfig(kubeconfig: string, minor?: string): Promise<Kubectl> {
    const dir = await mkdtemp(join(tmpdir(), 'bosun-kubectl-'));
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    return new Kubectl(dir, kubeconfigPath, minor ? await sideBySide(minor) : 'kubectl');
  }

  get env(): Record<string, string> {
    return {
      KUBECONFIG: this.kubeconfigPath,
      KUBECACHEDIR: join(this.dir, 'cache'),
      HOME: this.dir,
      // The dispatcher installed on these machines must not try to phone home for a kubectl update.
      CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    };
  }

  /** Runs `kubectl <args>`; never throws on a non-zero exit (tests assert on exitCode). */
  async run(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<KubectlResult> {
    const result: Result = await execa(this.binary, ['--cache-dir', join(this.dir, 'cache'), ...args], {
      env: this.env,
      reject: false,
      input: options.input,
      timeout: options.timeoutMs ?? 30_000,
    });
    return {
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      exitCode: result.exitCode ?? -1,
    };
  }

  /** Starts a long-running kubectl (e.g. `get -w`); the caller kills it. */
  spawn(args: string[]) {
    return execa(this.binary, ['--cache-dir', join(this.dir, 'cache'), ...args], {
      env: this.env,
      reject: false,
      buffer: false,
      forceKillAfterDelay: 2000,
    });
  }

  /** Writes a file next to the kubeconfig (manifests for `apply -f`). */
  async writeFile(name: string, content: string): Promise<string> {
    const path = join(this.dir, name);
    await writeFile(path, content);
    return path;
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
