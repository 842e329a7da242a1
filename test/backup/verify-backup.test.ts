import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiextensionsV1Api, CustomObjectsApi, VersionApi } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { KubeClusterResources } from '../../src/adapters/k8s/kube-cluster-resources.js';
import { KubeServerVersion } from '../../src/adapters/k8s/kube-server-version.js';
import { startScratchSimulator } from '../../src/adapters/k8s/scratch-simulator.js';
import { newBackupId } from '../../src/backup/backup-id.js';
import { latestGoodBackup } from '../../src/backup/latest-backup.js';
import { LocalBackupStore } from '../../src/backup/local-store.js';
import { restoreDrill } from '../../src/backup/restore-drill.js';
import { type BackupDeps, runBackup } from '../../src/backup/run-backup.js';
import { type VerifyDeps, verifyBackup } from '../../src/backup/verify-backup.js';
import { backupDetails, backupList } from '../../src/messages/backup-messages.js';
import type { BackupManifest } from '../../src/ports/backup-manifest.js';
import { systemClock } from '../../src/shared/clock.js';
import { eventually, gone, type SimRig, startSimRig } from '../support/sim.js';

const SETTINGS = 'shop/configmaps/settings.yaml';

describe('backup verify, against a local folder and the simulator', () => {
  let rig: SimRig;
  let root: string;
  let store: LocalBackupStore;
  let backupDeps: BackupDeps;
  let deps: VerifyDeps;
  let extensions: ApiextensionsV1Api;
  let ids = 0;

  /** A backup of some namespaces (fast), as `backup now --namespace` takes it. */
  const backUp = async (namespaces = ['shop']): Promise<BackupManifest> =>
    await runBackup(backupDeps, {
      // Distinct, time-ordered ids within one second.
      id: newBackupId(Date.now() + ids++ * 1000),
      cluster: 'sim',
      trigger: '<@UALICE>',
      namespaces,
      excludeKinds: [],
      secrets: true,
    });
  const fileOf = (manifest: BackupManifest, path: string) => join(root, 'sim', manifest.id, path);
  const problemsOf = async (manifest: BackupManifest) =>
    (await verifyBackup(deps, 'sim', manifest.id)).manifest.verification.problems;

  beforeAll(async () => {
    rig = await startSimRig({ scenario: 'small' });
    root = await mkdtemp(join(tmpdir(), 'bosun-verify-'));
    store = new LocalBackupStore(root);
    const resources = new KubeClusterResources(rig.kubeConfig, 'sim');
    backupDeps = {
      resources,
      store,
      version: new KubeServerVersion(rig.kubeConfig.makeApiClient(VersionApi), 'sim'),
      clock: systemClock,
      bosunVersion: '0.0.0-test',
    };
    deps = { store, resources, clock: systemClock };
    await rig.core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'settings' }, data: { currency: 'EUR' } },
    });
    extensions = rig.kubeConfig.makeApiClient(ApiextensionsV1Api);
    await extensions.createCustomResourceDefinition({
      body: {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.bosun.dev' },
        spec: {
          group: 'bosun.dev',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
            },
          ],
        },
      },
    });
    const custom = rig.kubeConfig.makeApiClient(CustomObjectsApi);
    await eventually('the Widget kind served', async () => {
      try {
        return await custom.createNamespacedCustomObject({
          group: 'bosun.dev',
          version: 'v1',
          namespace: 'shop',
          plural: 'widgets',
          body: { apiVersion: 'bosun.dev/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
        });
      } catch {
        return undefined;
      }
    });
  });
  afterAll(async () => {
    await rig?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('passes a sound backup: checksums, every file parsed, a dry-run create of what a restore creates', async () => {
    const manifest = await backUp();
    const report = await verifyBackup(deps, 'sim', manifest.id);
    expect(report.manifest.verification).toMatchObject({
      state: 'passed',
      checks: ['checksums', 'parse', 'dry-run'],
      problems: [],
    });
    expect(report.files).toBe(manifest.objects);
    // Everything is still in the cluster: the dry-run create answers AlreadyExists, as a real API server does,
    // and that counts as accepted.
    expect(report.dryRun.tried).toBeGreaterThan(3);
    expect(report.dryRun.alreadyExist).toBe(report.dryRun.tried);
    expect(report.dryRun.created).toBe(0);
    expect(report.dryRun.failed).toBe(0);
    expect(report.dryRun.sampled).toBe(false);
    // The result is in the stored manifest, and the dry run stored nothing.
    expect((await store.manifest('sim', manifest.id))?.verification.checks).toEqual([
      'checksums',
      'parse',
      'dry-run',
    ]);
  });

  it('fails a backup with one byte changed, names the file, and never takes it as latest', async () => {
    const older = await backUp();
    const manifest = await backUp();
    const path = fileOf(manifest, SETTINGS);
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('EUR', 'EUQ'));

    expect(await problemsOf(manifest)).toEqual([`${SETTINGS} does not match its checksum in SHA256SUMS`]);
    const stored = await store.list('sim');
    expect(stored.find((m) => m.id === manifest.id)?.verification.state).toBe('failed');
    expect(latestGoodBackup(stored)?.id).toBe(older.id);
    // What people see: the list says FAILED, show names the file.
    const list = JSON.stringify(backupList('sim', stored, '/bosun', Date.now()).blocks);
    expect(list).toMatch(new RegExp(`${manifest.id}[^\\n]*FAILED`));
    const shown = JSON.stringify(backupDetails((await store.manifest('sim', manifest.id)) as BackupManifest));
    expect(shown).toContain(`Failed verification`);
    expect(shown).toContain(`${SETTINGS} does not match its checksum in SHA256SUMS`);
  });

  it('fails a backup with a file deleted, naming it', async () => {
    const manifest = await backUp();
    await unlink(fileOf(manifest, SETTINGS));
    expect(await problemsOf(manifest)).toEqual([`${SETTINGS} is missing`]);
  });

  it('fails a backup with a YAML file made unparseable, naming the file and the line', async () => {
    const manifest = await backUp();
    await writeFile(
      fileOf(manifest, SETTINGS),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings\n',
    );
    const [problem, ...rest] = await problemsOf(manifest);
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      new RegExp(
        `^${SETTINGS} is not YAML \\(line \\d+\\): .+; it does not match its checksum in SHA256SUMS$`,
      ),
    );
  });

  it('fails a backup whose manifest and SHA256SUMS disagree on what it holds', async () => {
    const manifest = await backUp();
    const sums = (await readFile(fileOf(manifest, 'SHA256SUMS'), 'utf8'))
      .split('\n')
      .filter((l) => !l.endsWith(`  ${SETTINGS}`))
      .join('\n');
    await resum(manifest, 'SHA256SUMS', sums);
    const count = manifest.kinds.find((k) => k.resource === 'configmaps')?.count ?? 0;
    expect(await problemsOf(manifest)).toEqual([
      `SHA256SUMS lists ${count - 1} configmaps files, the manifest counts ${count}`,
    ]);
  });

  it('fails an object the API server refuses as Invalid, though its checksums match', async () => {
    const manifest = await backUp();
    const object = parse(await readFile(fileOf(manifest, SETTINGS), 'utf8'));
    object.metadata.name = 'Not_A_Name';
    const text = stringify(object);
    await writeFile(fileOf(manifest, SETTINGS), text);
    const sumsPath = fileOf(manifest, 'SHA256SUMS');
    const sums = (await readFile(sumsPath, 'utf8')).replace(
      new RegExp(`^[0-9a-f]{64}(  ${SETTINGS})$`, 'm'),
      `${sha256(text)}$1`,
    );
    await resum(manifest, 'SHA256SUMS', sums);
    const problems = await problemsOf(manifest);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${SETTINGS}: Invalid: .*Not_A_Name`));
  });

  it('dry-runs a deterministic sample of a large backup and says so', async () => {
    const manifest = await backUp([]);
    const first = await verifyBackup({ ...deps, dryRunLimit: 5 }, 'sim', manifest.id);
    expect(first.dryRun.sampled).toBe(true);
    expect(first.dryRun.tried).toBeLessThan(first.dryRun.restorable);
    expect(first.manifest.verification.state).toBe('passed');
    expect(first.manifest.verification.notes?.[0]).toBe(
      `dry run of a sample: ${first.dryRun.tried} of the ${first.dryRun.restorable} objects a restore creates (evenly spaced, at least one of each kind)`,
    );
    const again = await verifyBackup({ ...deps, dryRunLimit: 5 }, 'sim', manifest.id);
    expect(again.dryRun.tried).toBe(first.dryRun.tried);
  });

  it('drills a whole-cluster backup: restored into a scratch simulator, every object found again or skipped as a restore skips it', async () => {
    const manifest = await backUp([]);
    const drill = restoreDrill(startScratchSimulator, systemClock);
    const report = await verifyBackup({ ...deps, drill }, 'sim', manifest.id);
    const verification = report.manifest.verification;
    expect(verification.problems).toEqual([]);
    expect(verification.state).toBe('passed');
    expect(verification.checks).toEqual(['checksums', 'parse', 'dry-run', 'drill']);
    const note = verification.notes?.find((line) => line.startsWith('restore drill:'));
    expect(note).toMatch(
      /^restore drill: [\d,]+ objects restored into a scratch cluster at v1\.31\.4 and found there, [\d,]+ skipped as a restore skips them$/,
    );
    // Every object of the backup is accounted for: written and found, or skipped as a restore skips it.
    const [restored, skipped] = [/([\d,]+) objects restored/, /([\d,]+) skipped/].map((re) =>
      Number(re.exec(note ?? '')?.[1]?.replace(/,/g, '')),
    );
    expect(restored).toBeGreaterThan(0);
    expect((restored ?? 0) + (skipped ?? 0)).toBe(manifest.objects);
    expect((await store.manifest('sim', manifest.id))?.verification.checks).toContain('drill');
  });

  it('fails the drill of a backup without the definition of its custom objects, which a dry run against the cluster cannot see', async () => {
    const manifest = await runBackup(backupDeps, {
      id: newBackupId(Date.now() + ids++ * 1000),
      cluster: 'sim',
      trigger: '<@UALICE>',
      namespaces: ['shop'],
      excludeKinds: ['customresourcedefinitions.apiextensions.k8s.io'],
      secrets: true,
    });
    expect(manifest.kinds.map((k) => k.resource)).toContain('widgets.bosun.dev');
    // Without the drill it passes: the cluster it came from serves Widgets.
    expect((await verifyBackup(deps, 'sim', manifest.id)).manifest.verification.state).toBe('passed');
    const drill = restoreDrill(startScratchSimulator, systemClock);
    const verification = (await verifyBackup({ ...deps, drill }, 'sim', manifest.id)).manifest.verification;
    expect(verification.state).toBe('failed');
    expect(verification.problems).toEqual([
      'restore drill: 1 object of widgets.bosun.dev could not be restored: the scratch cluster does not serve the kind (is its CustomResourceDefinition in the backup?)',
    ]);
    expect(latestGoodBackup(await store.list('sim'))?.id).not.toBe(manifest.id);
  });

  it('passes a backup of a namespace deleted since, and says its objects were not dry-run', async () => {
    await rig.core.createNamespace({ body: { metadata: { name: 'gone' } } });
    await rig.core.createNamespacedConfigMap({
      namespace: 'gone',
      body: { metadata: { name: 'kept' }, data: { a: '1' } },
    });
    const manifest = await backUp(['gone']);
    await rig.core.deleteNamespace({ name: 'gone' });
    await eventually('the namespace gone', () => gone(() => rig.core.readNamespace({ name: 'gone' })));
    const report = await verifyBackup(deps, 'sim', manifest.id);
    expect(report.manifest.verification.state).toBe('passed');
    expect(report.dryRun.namespaceMissing).toBeGreaterThan(0);
    expect(report.manifest.verification.notes).toContain(
      `${report.dryRun.namespaceMissing} objects not dry-run: their namespace is not in the cluster (a restore creates it first)`,
    );
  });

  it('fails the custom objects of a CRD no longer in the cluster, naming each', async () => {
    const manifest = await backUp();
    await extensions.deleteCustomResourceDefinition({ name: 'widgets.bosun.dev' });
    await eventually('the CRD gone', () =>
      gone(() => extensions.readCustomResourceDefinition({ name: 'widgets.bosun.dev' })),
    );
    expect(await problemsOf(manifest)).toEqual([
      'shop/widgets.bosun.dev/w1.yaml: the cluster has no CustomResourceDefinition widgets.bosun.dev (it is in this backup; a restore creates it first)',
    ]);
  });

  it('tells that a backup does not exist', async () => {
    await expect(verifyBackup(deps, 'sim', '20200101-000000-aaaa')).rejects.toThrow(
      '`sim` has no backup `20200101-000000-aaaa`.',
    );
  });

  /** Rewrites a bosun file of the backup and its checksum in the manifest, as a consistent forgery would. */
  async function resum(manifest: BackupManifest, path: string, text: string): Promise<void> {
    await writeFile(fileOf(manifest, path), text);
    const current = (await store.manifest('sim', manifest.id)) as BackupManifest;
    await store.updateManifest({
      ...current,
      artifacts: current.artifacts.map((a) =>
        a.path === path ? { ...a, sha256: sha256(text), bytes: Buffer.byteLength(text) } : a,
      ),
    });
  }
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
