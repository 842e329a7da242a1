import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { execa } from 'execa';
import { KubeClusterResources } from '../src/adapters/k8s/kube-cluster-resources.js';
import { KubeServerVersion } from '../src/adapters/k8s/kube-server-version.js';
import { RESTORE_ORDER_FILE } from '../src/backup/artifact-path.js';
import { newBackupId } from '../src/backup/backup-id.js';
import { LocalBackupStore } from '../src/backup/local-store.js';
import { restoreBackup } from '../src/backup/restore-backup.js';
import { runBackup } from '../src/backup/run-backup.js';
import type { BackupManifest } from '../src/ports/backup-manifest.js';
import { systemClock } from '../src/shared/clock.js';
import { type Simulator, startSimulator } from '../src/sim/index.js';
import { type BenchRecord, record } from './lib/record.js';

/**
 * `npm run bench -- restore`: 2,000 objects of one namespace (1,200 ConfigMaps, 400 Secrets, 150
 * ServiceAccounts, 150 Services, 100 Deployments) are backed up from one simulated cluster, then restored into
 * a fresh, empty one, once by bosun (`restoreBackup`, as `/bosun restore latest --namespace load` runs it) and
 * once by `kubectl apply -R -f` of the same files (those the backup's restore-order.txt
 * lists, as the README's plain-kubectl restore applies them; they include the 150 Endpoints and the two
 * system objects bosun leaves to the cluster), each against its own fresh simulator at time scale 1. Goal: bosun
 * ≤ 0.3× kubectl's wall time.
 * `--runs N` repeats each measurement and keeps the median.
 */

const NAMESPACE = 'load';
const MIX = { configmaps: 1200, secrets: 400, serviceaccounts: 150, services: 150, deployments: 100 };
const OBJECTS = Object.values(MIX).reduce((a, b) => a + b, 0);

async function fresh(): Promise<{ sim: Simulator; kc: KubeConfig }> {
  const sim = await startSimulator({ scenario: 'small', timeScale: 1 });
  await sim.settled({ timeoutMs: 120_000 });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig());
  return { sim, kc };
}

/** In batches, so the source cluster is filled quickly but not all at once. */
async function inBatches(count: number, make: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => make(i + k)));
  }
}

async function fillSource(kc: KubeConfig): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const namespace = NAMESPACE;
  await core.createNamespace({ body: { metadata: { name: namespace, labels: { team: 'load' } } } });
  const data = (i: number) => ({ 'app.properties': `instance=${i}\n${'setting=value\n'.repeat(20)}` });
  await inBatches(MIX.configmaps, (i) =>
    core.createNamespacedConfigMap({ namespace, body: { metadata: { name: `config-${i}` }, data: data(i) } }),
  );
  await inBatches(MIX.secrets, (i) =>
    core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: `secret-${i}` },
        data: { token: Buffer.from(`token-${i}`).toString('base64') },
      },
    }),
  );
  await inBatches(MIX.serviceaccounts, (i) =>
    core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: `account-${i}` } } }),
  );
  await inBatches(MIX.services, (i) =>
    core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: `svc-${i}` },
        spec: { selector: { app: `app-${i}` }, ports: [{ port: 80 }] },
      },
    }),
  );
  await inBatches(MIX.deployments, (i) =>
    apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: `app-${i}` },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: `app-${i}` } },
          template: {
            metadata: { labels: { app: `app-${i}` } },
            spec: { containers: [{ name: 'app', image: `registry.example/app-${i}:1` }] },
          },
        },
      },
    }),
  );
}

async function takeBackup(root: string): Promise<{ store: LocalBackupStore; manifest: BackupManifest }> {
  const { sim, kc } = await fresh();
  try {
    await fillSource(kc);
    const store = new LocalBackupStore(root);
    const manifest = await runBackup(
      {
        resources: new KubeClusterResources(kc, 'source'),
        store,
        version: new KubeServerVersion(kc.makeApiClient(VersionApi), 'source'),
        clock: systemClock,
        bosunVersion: 'bench',
      },
      {
        id: newBackupId(Date.now()),
        cluster: 'source',
        trigger: 'bench',
        namespaces: [NAMESPACE],
        excludeKinds: [],
        secrets: true,
      },
    );
    return { store, manifest };
  } finally {
    await sim.stop();
  }
}

async function bosunRestore(
  store: LocalBackupStore,
  manifest: BackupManifest,
): Promise<{ ms: number; written: number }> {
  const { sim, kc } = await fresh();
  try {
    const resources = new KubeClusterResources(kc, 'target');
    await resources.discover();
    const started = performance.now();
    const result = await restoreBackup(
      { resources, store, clock: systemClock },
      { cluster: manifest.cluster, id: manifest.id },
      { namespaces: [NAMESPACE], kinds: [], overwrite: false, dryRun: false, restoreId: 'bench' },
    );
    const ms = performance.now() - started;
    const failed = result.results.filter((r) => r.outcome === 'failed');
    if (failed.length > 0)
      throw new Error(`bosun's restore failed ${failed.length} objects: ${failed[0]?.reason}`);
    return { ms, written: result.results.filter((r) => r.outcome === 'created').length };
  } finally {
    await sim.stop();
  }
}

/** The files a restore writes (restore-order.txt), copied into a folder of their own for `kubectl apply -R -f`. */
async function applyFolder(backupDir: string, into: string): Promise<number> {
  const paths = (await readFile(join(backupDir, RESTORE_ORDER_FILE), 'utf8')).split('\n').filter(Boolean);
  for (const path of paths) {
    await mkdir(dirname(join(into, path)), { recursive: true });
    await copyFile(join(backupDir, path), join(into, path));
  }
  return paths.length;
}

async function kubectlApply(backupDir: string): Promise<{ ms: number; files: number }> {
  const { sim } = await fresh();
  const dir = await mkdtemp(join(tmpdir(), 'bosun-bench-restore-kubectl-'));
  try {
    const files = await applyFolder(backupDir, join(dir, 'files'));
    const path = join(dir, 'kubeconfig');
    await writeFile(path, sim.kubeconfig(), { mode: 0o600 });
    const cache = join(dir, 'cache');
    const env = { KUBECONFIG: path, KUBECACHEDIR: cache, HOME: dir };
    // Warm kubectl's discovery cache first, so the timed run is the apply and not the first contact.
    await execa('kubectl', ['--cache-dir', cache, 'get', 'namespaces'], { env, reject: false });
    const started = performance.now();
    const result = await execa('kubectl', ['--cache-dir', cache, 'apply', '-R', '-f', join(dir, 'files')], {
      env,
      reject: false,
      timeout: 300_000,
    });
    const ms = performance.now() - started;
    if (result.exitCode !== 0) throw new Error(`kubectl apply failed: ${String(result.stderr).slice(-500)}`);
    return { ms, files };
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export async function run(args: string[]): Promise<BenchRecord[]> {
  const runsFlag = args.indexOf('--runs');
  const runs = runsFlag >= 0 ? Math.max(1, Number(args[runsFlag + 1]) || 1) : 1;
  const root = await mkdtemp(join(tmpdir(), 'bosun-bench-restore-'));
  try {
    const { store, manifest } = await takeBackup(root);
    const backupDir = join(root, manifest.cluster, manifest.id);
    const bosun: number[] = [];
    const kubectl: number[] = [];
    let written = 0;
    let files = 0;
    for (let i = 0; i < runs; i++) {
      const ours = await bosunRestore(store, manifest);
      bosun.push(ours.ms);
      written = ours.written;
      const theirs = await kubectlApply(backupDir);
      kubectl.push(theirs.ms);
      files = theirs.files;
    }
    const value = median(bosun) / 1000;
    const baselineValue = median(kubectl) / 1000;
    return [
      record({
        name: 'restore',
        metric: 'wall_s',
        value,
        unit: 's',
        baseline: 'kubectl apply',
        baselineValue,
        ratio: value / baselineValue,
        goal: '<= 0.3',
        objects: OBJECTS,
        written,
        kubectlFiles: files,
        runs,
      }),
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
