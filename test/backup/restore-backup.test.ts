import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiextensionsV1Api, CustomObjectsApi, VersionApi } from '@kubernetes/client-node';
import { KubeClusterResources } from '../../src/adapters/k8s/kube-cluster-resources.js';
import { KubeServerVersion } from '../../src/adapters/k8s/kube-server-version.js';
import { newBackupId } from '../../src/backup/backup-id.js';
import { LocalBackupStore } from '../../src/backup/local-store.js';
import { findBackup, type RestoreOptions, restoreBackup } from '../../src/backup/restore-backup.js';
import { RESTORE_LABEL } from '../../src/backup/restore-plan.js';
import { runBackup } from '../../src/backup/run-backup.js';
import type { BackupManifest } from '../../src/ports/backup-manifest.js';
import { systemClock } from '../../src/shared/clock.js';
import { eventually, gone, type SimRig, startSimRig } from '../support/sim.js';

/**
 * Restores of a real backup (taken by runBackup from the simulator) into the simulator, through the real
 * adapter: what comes back, in which order, what is skipped and why, and what a refusal does.
 */
describe('restoring a backup into a cluster', () => {
  let rig: SimRig;
  let root: string;
  let store: LocalBackupStore;
  let resources: KubeClusterResources;
  let backup: BackupManifest;
  const options = (over: Partial<RestoreOptions> = {}): RestoreOptions => ({
    namespaces: ['billing'],
    kinds: [],
    overwrite: false,
    dryRun: false,
    restoreId: `r-${Math.random().toString(36).slice(2, 10)}`,
    ...over,
  });
  const deps = () => ({ resources, store, clock: systemClock });

  beforeAll(async () => {
    rig = await startSimRig({ scenario: 'small' });
    root = await mkdtemp(join(tmpdir(), 'bosun-restore-'));
    store = new LocalBackupStore(root);
    resources = new KubeClusterResources(rig.kubeConfig, 'sim');
    const crds = rig.kubeConfig.makeApiClient(ApiextensionsV1Api);
    await crds.createCustomResourceDefinition({
      body: {
        metadata: { name: 'rates.example.com' },
        spec: {
          group: 'example.com',
          scope: 'Namespaced',
          names: { plural: 'rates', singular: 'rate', kind: 'Rate' },
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
    await rig.core.createNamespace({ body: { metadata: { name: 'billing', labels: { team: 'money' } } } });
    await rig.core.createNamespacedConfigMap({
      namespace: 'billing',
      body: { metadata: { name: 'rates' }, data: { vat: '21' } },
    });
    await rig.core.createNamespacedSecret({
      namespace: 'billing',
      body: { metadata: { name: 'db' }, data: { password: Buffer.from('s3cret').toString('base64') } },
    });
    await rig.apps.createNamespacedDeployment({
      namespace: 'billing',
      body: {
        metadata: { name: 'api' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'api' } },
          template: {
            metadata: { labels: { app: 'api' } },
            spec: { containers: [{ name: 'api', image: 'registry.example/api:1' }] },
          },
        },
      },
    });
    const chosen = { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 80, nodePort: 30111 }] } };
    await rig.core.createNamespacedService({
      namespace: 'billing',
      body: {
        metadata: {
          name: 'front',
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(chosen) },
        },
        spec: { type: 'NodePort', selector: { app: 'api' }, ports: [{ port: 80, nodePort: 30111 }] },
      },
    });
    await rig.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: 'billing',
      plural: 'rates',
      body: {
        apiVersion: 'example.com/v1',
        kind: 'Rate',
        metadata: { name: 'standard' },
        spec: { percent: 21 },
      },
    });
    // The Deployment's ReplicaSet and pods exist before the backup, so the backup holds owned objects too.
    await eventually(
      "the Deployment's two pods",
      async () => {
        const pods = await rig.core.listNamespacedPod({ namespace: 'billing' });
        return pods.items.length === 2 || undefined;
      },
      20_000,
    );
    backup = await runBackup(
      {
        resources,
        store,
        version: new KubeServerVersion(rig.kubeConfig.makeApiClient(VersionApi), 'sim'),
        clock: systemClock,
        bosunVersion: '0.0.0-test',
      },
      {
        id: newBackupId(Date.now()),
        cluster: 'sim',
        trigger: '<@UALICE>',
        namespaces: ['billing'],
        excludeKinds: [],
        secrets: true,
      },
    );
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const outcomes = (result: Awaited<ReturnType<typeof restoreBackup>>) =>
    result.plan.items.map((item, i) => {
      const r = result.results[i];
      return `${r?.outcome} ${item.key} ${item.namespace ? `${item.namespace}/` : ''}${item.name}`;
    });

  it('finds the latest verified backup, and nothing for an unknown id', async () => {
    expect((await findBackup(store, 'sim', 'latest'))?.id).toBe(backup.id);
    // As of a moment before it finished, there was none.
    expect(await findBackup(store, 'sim', 'latest', Date.parse(backup.finishedAt) - 1)).toBeUndefined();
    expect(await findBackup(store, 'sim', '20200101-000000-aaaa')).toBeUndefined();
  });

  it('changes nothing in a dry run, and says what it would do', async () => {
    const result = await restoreBackup(deps(), { cluster: 'sim', id: backup.id }, options({ dryRun: true }));
    expect(result.dryRun).toBe(true);
    expect(outcomes(result)).toEqual(
      expect.arrayContaining(['skipped configmaps billing/rates', 'skipped deployments.apps billing/api']),
    );
    const cm = await rig.core.readNamespacedConfigMap({ name: 'rates', namespace: 'billing' });
    expect(cm.metadata?.labels?.[RESTORE_LABEL]).toBeUndefined();
  });

  it('brings a deleted namespace and the CRD of its custom objects back, with their data; the Deployment makes its pods again', async () => {
    const crds = rig.kubeConfig.makeApiClient(ApiextensionsV1Api);
    await rig.core.deleteNamespace({ name: 'billing' });
    await crds.deleteCustomResourceDefinition({ name: 'rates.example.com' });
    await eventually(
      'the namespace gone',
      () => gone(() => rig.core.readNamespace({ name: 'billing' })),
      30_000,
    );
    await eventually(
      'the CRD gone',
      () => gone(() => crds.readCustomResourceDefinition({ name: 'rates.example.com' })),
      30_000,
    );
    const progress: number[] = [];
    const result = await restoreBackup(deps(), { cluster: 'sim', id: backup.id }, options(), (p) => {
      progress.push(p.done);
    });
    const lines = outcomes(result);
    expect(lines).toEqual(
      expect.arrayContaining([
        'created namespaces billing',
        'created configmaps billing/rates',
        'created secrets billing/db',
        'created deployments.apps billing/api',
        'created services billing/front',
        'created customresourcedefinitions.apiextensions.k8s.io rates.example.com',
        'created rates.example.com billing/standard',
        'skipped configmaps billing/kube-root-ca.crt',
        'skipped serviceaccounts billing/default',
      ]),
    );
    // Owned objects are left to their owners, named with the owner.
    const owned = result.plan.items.filter((i) => i.skip?.code === 'owned');
    expect(owned.map((i) => i.key).sort()).toEqual(['pods', 'pods', 'replicasets.apps']);
    expect(result.results.every((r) => r.outcome !== 'failed')).toBe(true);
    // In order: the namespace before the objects in it, the Secret and ConfigMap before the Deployment.
    const at = (line: string) => lines.indexOf(line);
    expect(at('created namespaces billing')).toBeLessThan(at('created secrets billing/db'));
    expect(at('created configmaps billing/rates')).toBeLessThan(at('created deployments.apps billing/api'));
    expect(progress.at(-1)).toBe(result.plan.items.length);

    // The custom object came back once its definition was Established.
    const rate = (await rig.kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'example.com',
      version: 'v1',
      namespace: 'billing',
      plural: 'rates',
      name: 'standard',
    })) as { spec?: unknown };
    expect(rate.spec).toEqual({ percent: 21 });
    const ns = await rig.core.readNamespace({ name: 'billing' });
    expect(ns.metadata?.labels?.team).toBe('money');
    const secret = await rig.core.readNamespacedSecret({ name: 'db', namespace: 'billing' });
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe('s3cret');
    const cm = await rig.core.readNamespacedConfigMap({ name: 'rates', namespace: 'billing' });
    expect(cm.data).toEqual({ vat: '21' });
    expect(cm.metadata?.ownerReferences).toBeUndefined();
    const service = await rig.core.readNamespacedService({ name: 'front', namespace: 'billing' });
    expect(service.spec?.ports?.[0]?.nodePort).toBe(30111);
    await eventually(
      "the Deployment's two pods",
      async () => {
        const pods = await rig.core.listNamespacedPod({ namespace: 'billing' });
        return pods.items.length === 2 || undefined;
      },
      20_000,
    );
  }, 60_000);

  it('skips what exists again, and replaces it with --overwrite', async () => {
    await rig.core.replaceNamespacedConfigMap({
      name: 'rates',
      namespace: 'billing',
      body: { metadata: { name: 'rates', namespace: 'billing' }, data: { vat: '99' } },
    });
    const again = await restoreBackup(deps(), { cluster: 'sim', id: backup.id }, options());
    expect(outcomes(again)).toContain('skipped configmaps billing/rates');
    expect(again.results.filter((r) => r.outcome === 'created')).toEqual([]);
    const over = await restoreBackup(deps(), { cluster: 'sim', id: backup.id }, options({ overwrite: true }));
    expect(outcomes(over)).toEqual(
      expect.arrayContaining(['replaced configmaps billing/rates', 'replaced services billing/front']),
    );
    const cm = await rig.core.readNamespacedConfigMap({ name: 'rates', namespace: 'billing' });
    expect(cm.data).toEqual({ vat: '21' });
    // Marked as replaced, so that a resumed restore counts it as such.
    expect(cm.metadata?.annotations?.['bosun.dev/restore-action']).toBe('replaced');
  }, 30_000);

  it('sees what exists across many namespaces (one list for them all) and skips it', async () => {
    const names = ['n1', 'n2', 'n3', 'n4', 'n5'];
    for (const namespace of names) {
      await rig.core.createNamespace({ body: { metadata: { name: namespace } } });
      await rig.core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'c' }, data: { a: namespace } },
      });
    }
    const many = await runBackup(
      {
        resources,
        store,
        version: new KubeServerVersion(rig.kubeConfig.makeApiClient(VersionApi), 'sim'),
        clock: systemClock,
        bosunVersion: '0.0.0-test',
      },
      {
        id: newBackupId(Date.now()),
        cluster: 'sim',
        trigger: '<@UALICE>',
        namespaces: names,
        excludeKinds: [],
        secrets: true,
      },
    );
    const result = await restoreBackup(
      deps(),
      { cluster: 'sim', id: many.id },
      options({ namespaces: names }),
    );
    expect(outcomes(result).filter((l) => l.includes('configmaps') && l.endsWith('/c'))).toEqual(
      names.map((n) => `skipped configmaps ${n}/c`),
    );
    expect(result.results.filter((r) => r.outcome !== 'skipped')).toEqual([]);
    // Known before writing (planned as skips), not learnt from AlreadyExists.
    expect(result.plan.items.filter((i) => i.name === 'c').map((i) => i.skip?.code)).toEqual(
      names.map(() => 'exists'),
    );
  }, 30_000);

  it('restores into another namespace, records what the API server refuses with its message, and goes on', async () => {
    const result = await restoreBackup(
      deps(),
      { cluster: 'sim', id: backup.id },
      options({ toNamespace: 'billing-copy' }),
    );
    const index = result.plan.items.findIndex((i) => i.key === 'services' && i.name === 'front');
    // The node port the backup's Service chose is the original's, still there.
    expect(result.results[index]).toEqual({
      outcome: 'failed',
      reason: expect.stringContaining('provided port is already allocated'),
    });
    expect(outcomes(result)).toEqual(
      expect.arrayContaining(['created namespaces billing-copy', 'created configmaps billing-copy/rates']),
    );
    const copy = await rig.core.readNamespacedSecret({ name: 'db', namespace: 'billing-copy' });
    expect(Buffer.from(copy.data?.password ?? '', 'base64').toString()).toBe('s3cret');
  }, 30_000);
});
