import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { VersionApi } from '@kubernetes/client-node';
import { execa } from 'execa';
import { parse, parseAllDocuments } from 'yaml';
import { KubeClusterResources } from '../../src/adapters/k8s/kube-cluster-resources.js';
import { KubeServerVersion } from '../../src/adapters/k8s/kube-server-version.js';
import { newBackupId } from '../../src/backup/backup-id.js';
import { LocalBackupStore } from '../../src/backup/local-store.js';
import { type BackupDeps, type BackupRequest, runBackup } from '../../src/backup/run-backup.js';
import type { BackupStore } from '../../src/ports/backup-store.js';
import type { ClusterResources } from '../../src/ports/cluster-resources.js';
import { systemClock } from '../../src/shared/clock.js';
import { OLDEST_KUBECTL } from '../support/kubectl.js';
import { type SimRig, startSimRig } from '../support/sim.js';

describe('a backup of every resource, to a local folder', () => {
  let rig: SimRig;
  let root: string;
  let store: LocalBackupStore;
  let deps: BackupDeps;
  const request = (over: Partial<BackupRequest> = {}): BackupRequest => ({
    id: newBackupId(Date.now()),
    cluster: 'sim',
    trigger: '<@UALICE>',
    namespaces: [],
    excludeKinds: [],
    secrets: true,
    ...over,
  });

  beforeAll(async () => {
    rig = await startSimRig({ scenario: 'small', https: true });
    root = await mkdtemp(join(tmpdir(), 'bosun-backups-'));
    store = new LocalBackupStore(root);
    deps = {
      resources: new KubeClusterResources(rig.kubeConfig, 'sim'),
      store,
      version: new KubeServerVersion(rig.kubeConfig.makeApiClient(VersionApi), 'sim'),
      clock: systemClock,
      bosunVersion: '0.0.0-test',
      pageSize: 7,
    };
    await rig.core.createNamespacedConfigMap({
      namespace: 'shop',
      body: { metadata: { name: 'settings' }, data: { currency: 'EUR', 'app.properties': 'a=1\nb=2\n' } },
    });
    await rig.core.createNamespacedSecret({
      namespace: 'shop',
      body: {
        metadata: { name: 'db-password' },
        data: { password: Buffer.from('s3cret').toString('base64') },
      },
    });
    await rig.core.createNamespacedService({
      namespace: 'shop',
      body: {
        metadata: { name: 'front' },
        spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
    });
  });
  afterAll(async () => {
    await rig.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('writes one file per object, all-resources.yaml and SHA256SUMS that sha256sum accepts, and lists the backup', async () => {
    const progress: string[] = [];
    const manifest = await runBackup(deps, request(), (p) => {
      progress.push(p.resource);
    });
    const dir = join(root, 'sim', manifest.id);
    expect(await store.list('sim')).toEqual([manifest]);
    expect(manifest.kubernetesVersion).toBe('v1.31.4');
    expect(manifest.verification.state).toBe('passed');
    // Discovery, not a list: kinds `kubectl get all` misses are here, each once, cluster-scoped ones too.
    const kinds = Object.fromEntries(manifest.kinds.map((k) => [k.resource, k.count]));
    for (const key of [
      'configmaps',
      'secrets',
      'namespaces',
      'nodes',
      'deployments.apps',
      'poddisruptionbudgets.policy',
    ]) {
      expect(kinds[key]).toBeGreaterThan(0);
    }
    expect(kinds['events.events.k8s.io']).toBeUndefined();
    expect(progress[0]).toBe('customresourcedefinitions.apiextensions.k8s.io');
    expect(progress).toContain('configmaps');
    expect(manifest.objects).toBe(Object.values(kinds).reduce((a, b) => a + b, 0));

    // A person without bosun: the checksums check with coreutils, the files read as plain YAML.
    const check = await execa('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: dir, reject: false });
    expect(check.exitCode).toBe(0);
    const config = parse(await readFile(join(dir, 'shop/configmaps/settings.yaml'), 'utf8'));
    expect(config).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'shop' },
      data: { currency: 'EUR', 'app.properties': 'a=1\nb=2\n' },
    });
    const secret = parse(await readFile(join(dir, 'shop/secrets/db-password.yaml'), 'utf8'));
    expect(Buffer.from(secret.data.password, 'base64').toString()).toBe('s3cret');
    // What the server filled in is gone; a controller's ownership stays in the file.
    const service = parse(await readFile(join(dir, 'shop/services/front.yaml'), 'utf8'));
    expect(service.spec.clusterIP).toBeUndefined();
    expect(service.spec.ports[0].nodePort).toBeUndefined();
    expect(service.status).toBeUndefined();
    const pods = await readdir(join(dir, 'shop/pods'));
    const pod = parse(await readFile(join(dir, 'shop/pods', pods[0] ?? ''), 'utf8'));
    expect(pod.metadata.uid).toBeUndefined();
    expect(pod.metadata.resourceVersion).toBeUndefined();
    expect(pod.spec.nodeName).toBeUndefined();
    expect(pod.metadata.ownerReferences[0].controller).toBe(true);
    const deployment = parse(await readFile(join(dir, 'shop/deployments.apps/web.yaml'), 'utf8'));
    expect(deployment.metadata.creationTimestamp).toBeUndefined();
    expect(deployment.metadata.generation).toBeUndefined();

    // all-resources.yaml holds every object once, in restore order; restore-order.txt leaves owned objects out.
    const all = parseAllDocuments(await readFile(join(dir, 'all-resources.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    );
    expect(all).toHaveLength(manifest.objects);
    const firstNamespace = all.findIndex((o) => o.kind === 'Namespace');
    expect(firstNamespace).toBeLessThan(all.findIndex((o) => o.kind === 'ConfigMap'));
    const order = (await readFile(join(dir, 'restore-order.txt'), 'utf8')).trim().split('\n');
    expect(order).toContain('shop/deployments.apps/web.yaml');
    expect(order.some((p) => p.startsWith('shop/pods/'))).toBe(false);
    expect(order.some((p) => p.startsWith('_cluster/nodes/'))).toBe(false);
  });

  it('backs up some namespaces, without Secrets or excluded kinds when asked', async () => {
    const manifest = await runBackup(
      deps,
      request({ namespaces: ['shop'], secrets: false, excludeKinds: ['Pod'] }),
    );
    const kinds = manifest.kinds.map((k) => k.resource);
    expect(kinds).toContain('configmaps');
    expect(kinds).toContain('namespaces');
    expect(kinds).not.toContain('secrets');
    expect(kinds).not.toContain('pods');
    expect(kinds).not.toContain('nodes');
    expect(manifest.scope).toMatchObject({
      namespaces: ['shop'],
      secrets: 'excluded',
      secretsReason: 'left out with --no-secrets',
    });
    const dir = join(root, 'sim', manifest.id);
    expect((await readdir(dir)).sort()).toEqual([
      'SHA256SUMS',
      '_cluster',
      'all-resources.yaml',
      'manifest.json',
      'restore-order.txt',
      'shop',
    ]);
    expect(await readdir(join(dir, '_cluster'))).toEqual(['namespaces']);
  });

  it('restores on an empty cluster with plain kubectl, as the README says, without bosun', async () => {
    const manifest = await runBackup(deps, request({ namespaces: ['shop'] }));
    const dir = join(root, 'sim', manifest.id);
    const empty = await startSimRig({
      scenario: { name: 'empty', nodes: [{ role: 'control-plane' }, { role: 'worker', count: 1 }] },
    });
    try {
      const kubectl = await empty.kubectl(OLDEST_KUBECTL);
      const check = await execa('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: dir, reject: false });
      expect(check.exitCode).toBe(0);
      const files = (await readFile(join(dir, 'restore-order.txt'), 'utf8')).trim().split('\n');
      // The README's `sed 's/^/-f=/' restore-order.txt | xargs -n 200 kubectl apply`, in batches of 200.
      for (let i = 0; i < files.length; i += 200) {
        const batch = files.slice(i, i + 200).map((f) => `-f=${join(dir, f)}`);
        const applied = await kubectl.run(['apply', '--validate=false', ...batch]);
        // Objects every cluster has (the namespace's default ServiceAccount) are updated, with kubectl's warning.
        const errors = applied.stderr
          .split('\n')
          .filter((line) => line !== '' && !line.startsWith('Warning:'));
        expect({ errors, exitCode: applied.exitCode }).toEqual({ errors: [], exitCode: 0 });
      }
      const config = await empty.core.readNamespacedConfigMap({ name: 'settings', namespace: 'shop' });
      expect(config.data).toEqual({ currency: 'EUR', 'app.properties': 'a=1\nb=2\n' });
      const secret = await empty.core.readNamespacedSecret({ name: 'db-password', namespace: 'shop' });
      expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe('s3cret');
      const web = await empty.apps.readNamespacedDeployment({ name: 'web', namespace: 'shop' });
      expect(web.spec?.replicas).toBe(3);
      // Owned objects are left to their owners, who make them again.
      expect(files.some((f) => f.startsWith('shop/replicasets.apps/'))).toBe(false);
    } finally {
      await empty.stop();
    }
  });

  it('lists nothing when the backup stops half-way, and leaves no staging behind at the next run', async () => {
    const before = await store.list('sim');
    let lists = 0;
    const failing: ClusterResources = {
      ...deps.resources,
      discover: (s) => deps.resources.discover(s),
      get: (...a) => deps.resources.get(...a),
      create: (...a) => deps.resources.create(...a),
      replace: (...a) => deps.resources.replace(...a),
      list: async (resource, options, signal) => {
        if (++lists === 12) throw new Error('connection reset by peer');
        return await deps.resources.list(resource, options, signal);
      },
    };
    await expect(runBackup({ ...deps, resources: failing }, request())).rejects.toThrow('connection reset');
    expect(await store.list('sim')).toEqual(before);
    expect(await readdir(join(root, 'sim', '.staging'))).toEqual([]);
  });

  it('lists nothing when an artifact does not read back as written, and names the file', async () => {
    const before = await store.list('sim');
    const tampering: BackupStore = {
      ...store,
      description: store.description,
      allowsUnencryptedSecrets: true,
      list: (c) => store.list(c),
      manifest: (c, i) => store.manifest(c, i),
      updateManifest: (m) => store.updateManifest(m),
      read: (c, i, p) => store.read(c, i, p),
      delete: (c, i) => store.delete(c, i),
      stage: async (cluster, id) => {
        const staged = await store.stage(cluster, id);
        return {
          ...staged,
          dir: staged.dir,
          read: (path) =>
            path === 'shop/configmaps/settings.yaml'
              ? Readable.from([Buffer.from('kind: Tampered\n')])
              : staged.read(path),
        };
      },
    };
    await expect(runBackup({ ...deps, store: tampering }, request())).rejects.toThrow(
      'shop/configmaps/settings.yaml does not match its checksum in SHA256SUMS',
    );
    expect(await store.list('sim')).toEqual(before);
  });
});
