import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { runSim, type SimIo } from '../../../src/main/sim.js';

function recordingIo(): SimIo & {
  lines: string[];
  errors: string[];
  stop(): void;
  waitFor(text: string): Promise<void>;
} {
  const lines: string[] = [];
  const errors: string[] = [];
  let release: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    lines,
    errors,
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    stopRequested: () => stopped,
    stop: () => release(),
    async waitFor(text) {
      for (let i = 0; i < 500 && !lines.some((l) => l.includes(text)); i++)
        await new Promise((r) => setTimeout(r, 20));
      if (!lines.some((l) => l.includes(text)))
        throw new Error(`never printed "${text}": ${lines.join(' | ')} ${errors.join(' | ')}`);
    },
  };
}

describe('bosun sim', () => {
  it.each([
    [[], '--scenario is required'],
    [['--scenario', 'small', '--time-scale', '0'], '--time-scale must be a positive number, got "0"'],
    [['--scenario', 'small', '--port', 'http'], '--port must be a port number, got "http"'],
    [['--scenario', 'small', '--bogus'], "Unknown option '--bogus'"],
  ])('exits 2 with a clear usage error for %j', async (argv, message) => {
    const io = recordingIo();
    expect(await runSim(argv, io)).toBe(2);
    expect(io.errors.join('\n')).toContain(message);
    expect(io.errors.join('\n')).toContain('Usage: bosun sim --scenario NAME|FILE');
  });

  it('exits 2 naming the problem when the scenario is neither shipped nor a file', async () => {
    const io = recordingIo();
    expect(await runSim(['--scenario', 'no-such-scenario'], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/not a shipped scenario \(.*small.*\) and not a readable file/);
  });

  it('writes the kubeconfig, prints the URL once settled, and stops when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bosun-run-sim-'));
    const kubeconfig = join(dir, 'config');
    const io = recordingIo();
    const running = runSim(['--scenario', 'small', '--time-scale', '0.01', '--kubeconfig', kubeconfig], io);
    try {
      await io.waitFor('cluster settled; API server at http://127.0.0.1:');
      const config = new KubeConfig();
      config.loadFromString(await readFile(kubeconfig, 'utf8'));
      const url = io.lines.find((l) => l.includes('API server at'))?.split('API server at ')[1];
      expect(config.getCurrentCluster()?.server).toBe(url);
      const nodes = (await (await fetch(`${url}/api/v1/nodes`)).json()) as { items: unknown[] };
      expect(nodes.items).toHaveLength(4);
    } finally {
      io.stop();
      expect(await running).toBe(0);
    }
    expect((await stat(kubeconfig)).isFile()).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
