import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type Result } from 'execa';

export interface KubectlResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * The real `kubectl` from PATH against one API server: its own kubeconfig file and a private discovery cache
 * (KUBECACHEDIR), so nothing leaks between tests or from the machine's ~/.kube.
 */
export class Kubectl {
  private constructor(
    private readonly dir: string,
    readonly kubeconfigPath: string,
  ) {}

  static async forKubeconfig(kubeconfig: string): Promise<Kubectl> {
    const dir = await mkdtemp(join(tmpdir(), 'bosun-kubectl-'));
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
    return new Kubectl(dir, kubeconfigPath);
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
    const result: Result = await execa('kubectl', ['--cache-dir', join(this.dir, 'cache'), ...args], {
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
    return execa('kubectl', ['--cache-dir', join(this.dir, 'cache'), ...args], {
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
