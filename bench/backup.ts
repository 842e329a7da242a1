import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../src/sim/index.js';
import { type BenchRecord, record } from './lib/record.js';

/**
 * `npm run bench -- backup`: a simulated cluster of 50,000 objects (20,000 ConfigMaps, 15,000 Pods, 5,000
 * Secrets, 2,500 each of Deployments, their ReplicaSets, Services and custom resources) in a process of its own;
 * then, one after the other against it: bosun's backup (every object written, checksummed and read back) in a
 * fresh process whose wall time and peak RSS are measured, `kubectl get all -A -o yaml > file` (the maintenance
 * notes' way, covering less), and kubectl listing every listable resource into one YAML file (the same coverage).
 */

const here = fileURLToPath(import.meta.url);
/** Where compiled helpers go: bench/results/ (not committed), so their packages resolve from node_modules. */
const resultsDir = join(dirname(here), 'results');

const FULL = {
  configMaps: 20_000,
  pods: 15_000,
  secrets: 5_000,
  deployments: 2_500,
  services: 2_500,
  widgets: 2_500,
};
/** `--scale 0.05` seeds a twentieth (a quick look); the figures to report are at scale 1. */
const scaled = (scale: number) =>
  Object.fromEntries(Object.entries(FULL).map(([k, v]) => [k, Math.round(v * scale)])) as typeof FULL;
const NAMESPACES = 50;
const namespaceOf = (i: number) => `team-${String(i % NAMESPACES).padStart(2, '0')}`;

/** In a child process: the simulator with the bench's objects; prints its kubeconfig path, then runs until killed. */
async function simChild(dir: string, scale: number): Promise<void> {
  const SEED = scaled(scale);
  const sim = await startSimulator({
    scenario: { name: 'bench-backup', nodes: [{ role: 'control-plane' }, { role: 'worker', count: 2 }] },
    // Fast enough that the cluster comes up in seconds; slow enough that leases and events stay quiet.
    timeScale: 0.02,
  });
  await sim.settled({ timeoutMs: 120_000 });
  const r = sim.registry;
  const say = (what: string) => process.stderr.write(`sim: ${what}\n`);
  say('settled');
  for (let n = 0; n < NAMESPACES; n++) {
    await r.create({ group: '', resource: 'namespaces' }, undefined, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespaceOf(n) },
    });
  }
  await r.create({ group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' }, undefined, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.bench.bosun.dev' },
    spec: {
      group: 'bench.bosun.dev',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  });
  say('namespaces and CRD');
  const labels = (i: number) => ({ app: `app-${i % 500}`, tier: i % 3 === 0 ? 'web' : 'backend' });
  for (let i = 0; i < SEED.configMaps; i++) {
    await r.create({ group: '', resource: 'configmaps' }, namespaceOf(i), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `config-${i}`, labels: labels(i) },
      data: {
        'app.properties': `name=app-${i}\nreplicas=${i % 7}\n${'feature.flag=true\n'.repeat(20)}`,
        mode: 'prod',
      },
    });
  }
  say('configmaps');
  for (let i = 0; i < SEED.secrets; i++) {
    await r.create({ group: '', resource: 'secrets' }, namespaceOf(i), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `secret-${i}`, labels: labels(i) },
      type: 'Opaque',
      data: { password: Buffer.from(`password-${i}-${'x'.repeat(32)}`).toString('base64') },
    });
  }
  say('secrets');
  // Pods of a node that is gone: no kubelet runs them, so they stay as created (no events, no status churn).
  for (let i = 0; i < SEED.pods; i++) {
    await r.create({ group: '', resource: 'pods' }, namespaceOf(i), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, labels: labels(i) },
      spec: {
        nodeName: 'retired-node-1',
        containers: [
          {
            name: 'app',
            image: `registry.example/app-${i % 500}:1.${i % 20}.0`,
            ports: [{ containerPort: 8080 }],
            env: [{ name: 'MODE', value: 'prod' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' } },
          },
        ],
      },
    });
  }
  say('pods');
  // Deployments of no replicas: the deployment controller gives each its ReplicaSet, and no pods.
  for (let i = 0; i < SEED.deployments; i++) {
    await r.create({ group: 'apps', resource: 'deployments' }, namespaceOf(i), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `deploy-${i}`, labels: labels(i) },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: `deploy-${i}` } },
        template: {
          metadata: { labels: { app: `deploy-${i}` } },
          spec: { containers: [{ name: 'app', image: `registry.example/deploy-${i}:1.0.0` }] },
        },
      },
    });
  }
  say('deployments');
  for (let i = 0; i < SEED.services; i++) {
    await r.create({ group: '', resource: 'services' }, namespaceOf(i), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, labels: labels(i) },
      spec: { ports: [{ port: 80, targetPort: 8080 }] },
    });
  }
  say('services');
  for (let i = 0; i < SEED.widgets; i++) {
    await r.create({ group: 'bench.bosun.dev', resource: 'widgets' }, namespaceOf(i), {
      apiVersion: 'bench.bosun.dev/v1',
      kind: 'Widget',
      metadata: { name: `widget-${i}` },
      spec: { size: i % 10, color: 'blue' },
    });
  }
  say('widgets');
  // Until every Deployment has its ReplicaSet.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { items } = await r.list({ group: 'apps', resource: 'replicasets' });
    if (items.length >= SEED.deployments || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const kubeconfig = join(dir, 'kubeconfig');
  await sim.writeKubeconfig(kubeconfig);
  process.stdout.write(`${JSON.stringify({ kubeconfig })}\n`);
  process.on('SIGTERM', () => {
    void sim.stop().finally(() => process.exit(0));
  });
}

/**
 * bench/lib/backup-child.ts compiled into one JavaScript file (its packages left to node_modules), as the container
 * image runs bosun compiled: tsx's loader would add its own memory to the peak RSS measured.
 */
async function compiledBackupChild(): Promise<string> {
  // esbuild comes with tsx, which runs these benchmarks.
  const { build } = await import('esbuild');
  const outfile = join(resultsDir, 'backup-child.mjs');
  await build({
    entryPoints: [join(dirname(here), 'lib', 'backup-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs this file as a child with `args`; resolves with its last stdout line as JSON (the child keeps running if `keep`). */
function child<T>(args: string[], timeoutMs: number, keep = false, argv = ['--import', 'tsx', here]) {
  const process_ = spawn(process.execPath, [...argv, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const timer = setTimeout(() => process_.kill('SIGKILL'), timeoutMs);
  const result = new Promise<T>((resolve, reject) => {
    let output = '';
    process_.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (keep && line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as T);
      }
    });
    process_.on('error', reject);
    process_.on('exit', (code) => {
      clearTimeout(timer);
      const line = output.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${args[0]} exited with ${code}: ${output.slice(-500)}`));
      }
    });
  });
  return { result, process: process_ };
}

/** Runs kubectl with its stdout into `file`; answers the wall time in seconds. */
async function kubectlToFile(kubeconfig: string, args: string[], file: string): Promise<number> {
  const started = performance.now();
  const out = createWriteStream(file);
  const kubectl = spawn('kubectl', args, {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  kubectl.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    kubectl.on('error', reject);
    kubectl.on('exit', resolve);
  });
  // The pipe ends the file when kubectl's output ends; the time counts until it is all on disk.
  await pipeline(kubectl.stdout, out);
  const code = await exited;
  if (code !== 0) throw new Error(`kubectl ${args[0]} exited ${code}: ${stderr.slice(-500)}`);
  return (performance.now() - started) / 1000;
}

/** Objects in a `kubectl get -o yaml` list: its items start at column 0 with `- apiVersion:`. */
async function itemsIn(file: string): Promise<number> {
  let items = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    if (line.startsWith('- apiVersion: ')) items++;
  }
  return items;
}

async function kubectlOutput(kubeconfig: string, args: string[]): Promise<string> {
  return await new Promise((resolve, reject) => {
    const kubectl = spawn('kubectl', args, {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    kubectl.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    kubectl.on('error', reject);
    kubectl.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl exited ${code}`))));
  });
}

export async function run(args: string[] = []): Promise<BenchRecord[]> {
  const at = args.indexOf('--scale');
  const scale = at >= 0 ? Number(args[at + 1]) : 1;
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale takes a number in (0, 1]');
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-backup-'));
  const seeding = performance.now();
  const sim = child<{ kubeconfig: string }>(['--sim-child', dir, String(scale)], 300_000, true);
  try {
    const { kubeconfig } = await sim.result;
    console.log(`simulator seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

    const processStarted = performance.now();
    const bosun = await child<{
      seconds: number;
      maxRssKb: number;
      objects: number;
      kinds: number;
      bytes: number;
      verified: string;
    }>([kubeconfig, join(dir, 'backups')], 300_000, false, [await compiledBackupChild()]).result;
    const processSeconds = (performance.now() - processStarted) / 1000;
    console.log(`bosun: ${bosun.objects} objects in ${bosun.seconds.toFixed(1)} s`);

    const allFile = join(dir, 'all-resources.yml');
    const getAll = await kubectlToFile(kubeconfig, ['get', 'all', '--all-namespaces', '-o', 'yaml'], allFile);
    const getAllObjects = await itemsIn(allFile);
    console.log(`kubectl get all: ${getAllObjects} objects in ${getAll.toFixed(1)} s`);

    const listable = (await kubectlOutput(kubeconfig, ['api-resources', '--verbs=list', '-o', 'name']))
      .split('\n')
      .filter((l) => l !== '');
    const everyFile = join(dir, 'every-resource.yml');
    const every = await kubectlToFile(
      kubeconfig,
      ['get', listable.join(','), '--all-namespaces', '-o', 'yaml'],
      everyFile,
    );
    const everyObjects = await itemsIn(everyFile);
    console.log(`kubectl every listable resource: ${everyObjects} objects in ${every.toFixed(1)} s`);

    const common = {
      name: 'backup',
      metric: 'wall_s',
      value: bosun.seconds,
      unit: 's',
      objects: bosun.objects,
      kinds: bosun.kinds,
      bytes: bosun.bytes,
      verified: bosun.verified,
      processWallS: processSeconds,
      scale,
    };
    return [
      record({
        ...common,
        baseline: 'kubectl get all',
        baselineValue: getAll,
        ratio: bosun.seconds / getAll,
        goal: '<= 1.0',
        baselineObjects: getAllObjects,
        baselineBytes: (await stat(allFile)).size,
      }),
      record({
        ...common,
        baseline: 'kubectl (every listable resource)',
        baselineValue: every,
        ratio: bosun.seconds / every,
        goal: '<= 0.5',
        baselineObjects: everyObjects,
        baselineResources: listable.length,
        baselineBytes: (await stat(everyFile)).size,
      }),
      record({
        name: 'backup',
        metric: 'peak_rss_mb',
        scale,
        value: bosun.maxRssKb / 1024,
        unit: 'MB',
        goal: '<= 256',
        objects: bosun.objects,
      }),
    ];
  } finally {
    sim.process.kill('SIGTERM');
    await new Promise((resolve) => {
      if (sim.process.exitCode !== null) resolve(undefined);
      else sim.process.once('exit', resolve);
    });
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === here && process.argv[2] === '--sim-child') {
  await simChild(process.argv[3] ?? '.', Number(process.argv[4] ?? 1));
}
