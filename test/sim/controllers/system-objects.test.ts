import { simAnnotations } from '../../../src/sim/index.js';
import { KUBECTL_EDGES } from '../../support/kubectl.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

let rig: SimRig;
beforeAll(async () => {
  rig = await startSimRig({ scenario: 'small' });
});
afterAll(async () => {
  await rig?.stop();
});

function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/));
}

describe('what every cluster has', () => {
  it.each(KUBECTL_EDGES)(
    '50: kubectl %s get sa,cm -A: default ServiceAccount and kube-root-ca.crt in every namespace',
    async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const namespaces = (await kubectl.run(['get', 'ns', '-o', 'name'])).stdout
        .trim()
        .split('\n')
        .map((line) => line.replace('namespace/', ''));
      expect(namespaces).toEqual(
        expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop']),
      );
      const sa = await kubectl.run(['get', 'serviceaccounts', '-A']);
      expect(sa.exitCode).toBe(0);
      expect(sa.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+SECRETS\s+AGE$/);
      const accounts = rows(sa.stdout).map(([ns, name]) => `${ns}/${name}`);
      for (const ns of namespaces) expect(accounts).toContain(`${ns}/default`);
      expect(accounts).toEqual(
        expect.arrayContaining([
          'kube-system/kube-proxy',
          'kube-system/coredns',
          'kube-system/node-controller',
        ]),
      );
      const cm = await kubectl.run(['get', 'configmaps', '-A']);
      expect(cm.exitCode).toBe(0);
      const maps = rows(cm.stdout).map(([ns, name, data]) => `${ns}/${name}/${data}`);
      for (const ns of namespaces) expect(maps).toContain(`${ns}/kube-root-ca.crt/1`);
      const ca = await kubectl.run([
        'get',
        'cm',
        'kube-root-ca.crt',
        '-n',
        'shop',
        '-o',
        'jsonpath={.data.ca\\.crt}',
      ]);
      expect(ca.stdout).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/);
    },
  );

  it('50: a new namespace gets its default ServiceAccount and kube-root-ca.crt from the controllers (client-node)', async () => {
    await rig.core.createNamespace({ body: { metadata: { name: 'fresh' } } });
    const sa = await eventually('default sa in fresh', async () =>
      (await rig.core.listNamespacedServiceAccount({ namespace: 'fresh' })).items.find(
        (item) => item.metadata?.name === 'default',
      ),
    );
    expect(sa.metadata?.namespace).toBe('fresh');
    const cm = await eventually('kube-root-ca.crt in fresh', () =>
      rig.core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'fresh' }),
    );
    expect(cm.metadata?.annotations?.['kubernetes.io/description']).toMatch(/^Contains a CA bundle/);
    // Deleted, it comes back, as the controller keeps it.
    await rig.core.deleteNamespacedServiceAccount({ name: 'default', namespace: 'fresh' });
    await eventually('default sa re-created', async () => {
      const again = await rig.core.readNamespacedServiceAccount({ name: 'default', namespace: 'fresh' });
      return again.metadata?.uid !== sa.metadata?.uid ? again : undefined;
    });
  });

  it.each(KUBECTL_EDGES)(
    '51: kubectl %s: a pod naming a missing ServiceAccount is refused with the ServiceAccount admission message',
    async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const name = `lonely-${minor.replace('.', '-')}`;
      const file = await kubectl.writeFile(
        `${name}.yaml`,
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  serviceAccountName: ghost\n  containers:\n  - name: c\n    image: nginx:1.27.3\n`,
      );
      const created = await kubectl.run(['create', '--validate=false', '-f', file]);
      expect(created.exitCode).toBe(1);
      expect(created.stderr.trim()).toBe(
        `Error from server (Forbidden): error when creating "${file}": pods "${name}" is forbidden: error looking up service account shop/ghost: serviceaccount "ghost" not found`,
      );
    },
  );

  it('51: the refusal is a 403 Forbidden Status; a generateName pod is named by its prefix (client-node)', async () => {
    const error = await rig.core
      .createNamespacedPod({
        namespace: 'shop',
        body: {
          metadata: { generateName: 'gen-' },
          spec: { serviceAccountName: 'ghost', containers: [{ name: 'c', image: 'nginx' }] },
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e as { code?: number; body?: string },
      );
    expect(error?.code).toBe(403);
    expect(JSON.parse(error?.body ?? '{}')).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods "gen-" is forbidden: error looking up service account shop/ghost: serviceaccount "ghost" not found',
      reason: 'Forbidden',
      details: { name: 'gen-', kind: 'pods' },
      code: 403,
    });
  });

  it('52: an admitted pod gets serviceAccountName default and the kube-api-access projected volume in every container', async () => {
    const pod = await rig.core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name: 'plain' },
        spec: {
          containers: [
            { name: 'a', image: 'nginx' },
            { name: 'b', image: 'nginx' },
          ],
        },
      },
    });
    expect(pod.spec?.serviceAccountName).toBe('default');
    const volume = pod.spec?.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    expect(volume?.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume?.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    });
    for (const container of pod.spec?.containers ?? []) {
      expect(container.volumeMounts).toEqual([
        { name: volume?.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      ]);
    }
    const opted = await rig.core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name: 'no-token' },
        spec: { automountServiceAccountToken: false, containers: [{ name: 'a', image: 'nginx' }] },
      },
    });
    expect(opted.spec?.volumes ?? []).toEqual([]);
  });

  it('52: a Deployment whose ServiceAccount appears later gets its pods: the ReplicaSet retries the refused creates', async () => {
    const labels = { app: 'late' };
    await rig.apps.createNamespacedDeployment({
      namespace: 'shop',
      body: {
        metadata: { name: 'late' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { serviceAccountName: 'late-sa', containers: [{ name: 'c', image: 'nginx' }] },
          },
        },
      },
    });
    const listLate = async () =>
      (await rig.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=late' })).items;
    await eventually(
      'the ReplicaSet exists',
      async () =>
        (await rig.apps.listNamespacedReplicaSet({ namespace: 'shop', labelSelector: 'app=late' })).items[0],
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await listLate()).toEqual([]);
    await rig.core.createNamespacedServiceAccount({
      namespace: 'shop',
      body: { metadata: { name: 'late-sa' } },
    });
    const pods = await eventually(
      'two pods of late',
      async () => {
        const items = await listLate();
        return items.length === 2 ? items : undefined;
      },
      10_000,
    );
    for (const pod of pods) expect(pod.spec?.serviceAccountName).toBe('late-sa');
  });

  it.each(KUBECTL_EDGES)(
    '53: kubectl %s get svc,endpoints,endpointslices: the kubernetes Service at 10.96.0.1 with the API server at 6443',
    async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const svc = await kubectl.run(['get', 'svc', '-n', 'default']);
      expect(svc.exitCode).toBe(0);
      expect(rows(svc.stdout).map((r) => r.slice(0, 5))).toEqual([
        ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP'],
      ]);
      const node = await rig.core.readNode({ name: 'control-plane-1' });
      const advertise = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      const ep = await kubectl.run(['get', 'endpoints', 'kubernetes', '-n', 'default', '-o', 'json']);
      expect(JSON.parse(ep.stdout).subsets).toEqual([
        { addresses: [{ ip: advertise }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
      ]);
      const slices = await kubectl.run(['get', 'endpointslices', '-n', 'default', '-o', 'name']);
      expect(slices.stdout.trim()).toBe('endpointslice.discovery.k8s.io/kubernetes');
      const dns = await kubectl.run(['get', 'svc', 'kube-dns', '-n', 'kube-system']);
      expect(rows(dns.stdout).map((r) => r.slice(0, 5))).toEqual([
        ['kube-dns', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP,9153/TCP'],
      ]);
    },
  );

  it('53: kube-dns has the coredns pods as endpoints and one EndpointSlice owned by the Service (client-node)', async () => {
    const coredns = (
      await rig.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })
    ).items;
    expect(coredns).toHaveLength(2);
    const ep = await eventually('kube-dns endpoints with both pods', async () => {
      const e = await rig.core.readNamespacedEndpoints({ name: 'kube-dns', namespace: 'kube-system' });
      return e.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    });
    expect(ep.subsets?.[0]?.ports).toEqual([
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'metrics', port: 9153, protocol: 'TCP' },
    ]);
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip).sort()).toEqual(
      coredns.map((p) => p.status?.podIP).sort(),
    );
    expect(ep.subsets?.[0]?.addresses?.[0]?.targetRef?.kind).toBe('Pod');
    const raw = (
      await rig.sim.registry.list(
        { group: 'discovery.k8s.io', resource: 'endpointslices' },
        { namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' },
      )
    ).items;
    expect(raw).toHaveLength(1);
    const [slice] = raw;
    expect(slice?.metadata.name).toMatch(/^kube-dns-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice?.metadata.labels?.['endpointslice.kubernetes.io/managed-by']).toBe(
      'endpointslice-controller.k8s.io',
    );
    expect(slice?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Service',
      name: 'kube-dns',
      controller: true,
    });
    expect(slice?.endpoints).toHaveLength(2);
  });

  it('54: a Service with a named targetPort: ready pods are addresses, a pod not Ready yet is a notReadyAddress', async () => {
    const labels = { app: 'ports' };
    await rig.core.createNamespacedService({
      namespace: 'shop',
      body: {
        metadata: { name: 'ports' },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
      },
    });
    await rig.core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { name: 'ports-1', labels },
        spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'web', containerPort: 8080 }] }] },
      },
    });
    const ready = await eventually(
      'ports-1 ready in endpoints',
      async () => {
        const e = await rig.core.readNamespacedEndpoints({ name: 'ports', namespace: 'shop' });
        return e.subsets?.[0]?.addresses?.[0] ? e : undefined;
      },
      10_000,
    );
    expect(ready.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ready.subsets?.[0]?.addresses?.[0]?.targetRef?.name).toBe('ports-1');
    // A second pod runs but its readiness probe does not pass for an hour (simulated).
    await rig.core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: {
          name: 'ports-2',
          labels,
          annotations: { [simAnnotations.readinessDelay]: String(3_600_000) },
        },
        spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'web', containerPort: 8080 }] }] },
      },
    });
    const split = await eventually(
      'ports-2 listed as not ready',
      async () => {
        const e = await rig.core.readNamespacedEndpoints({ name: 'ports', namespace: 'shop' });
        return e.subsets?.[0]?.notReadyAddresses?.[0] ? e : undefined;
      },
      10_000,
    );
    expect(split.subsets).toHaveLength(1);
    expect(split.subsets?.[0]?.addresses?.map((a) => a.targetRef?.name)).toEqual(['ports-1']);
    expect(split.subsets?.[0]?.notReadyAddresses?.map((a) => a.targetRef?.name)).toEqual(['ports-2']);
    const pod2 = await rig.core.readNamespacedPod({ name: 'ports-2', namespace: 'shop' });
    expect(split.subsets?.[0]?.notReadyAddresses?.[0]?.ip).toBe(pod2.status?.podIP);
    const [slice] = (
      await rig.sim.registry.list(
        { group: 'discovery.k8s.io', resource: 'endpointslices' },
        { namespace: 'shop', labelSelector: 'kubernetes.io/service-name=ports' },
      )
    ).items;
    const endpoints = (slice?.endpoints ?? []) as Array<{
      targetRef?: { name?: string };
      conditions?: { ready?: boolean };
    }>;
    const byPod = new Map(endpoints.map((e) => [e.targetRef?.name, e.conditions?.ready]));
    expect(byPod).toEqual(
      new Map([
        ['ports-1', true],
        ['ports-2', false],
      ]),
    );
    await rig.core.deleteNamespacedPod({ name: 'ports-2', namespace: 'shop', gracePeriodSeconds: 0 });
    await rig.core.deleteNamespacedPod({ name: 'ports-1', namespace: 'shop' });
    await eventually(
      'ports endpoints empty',
      async () => {
        const e = await rig.core.readNamespacedEndpoints({ name: 'ports', namespace: 'shop' });
        return (e.subsets ?? []).length === 0 ? true : undefined;
      },
      10_000,
    );
  });

  it.each(KUBECTL_EDGES)(
    '55: kubectl %s: kubeadm ConfigMaps in kube-system carry the cluster version',
    async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const cm = await kubectl.run(['get', 'cm', '-n', 'kube-system', '-o', 'name']);
      expect(cm.stdout.trim().split('\n')).toEqual(
        expect.arrayContaining([
          'configmap/kubeadm-config',
          'configmap/kubelet-config',
          'configmap/kube-proxy',
          'configmap/coredns',
          'configmap/kube-root-ca.crt',
        ]),
      );
      const config = await kubectl.run([
        'get',
        'cm',
        'kubeadm-config',
        '-n',
        'kube-system',
        '-o',
        'jsonpath={.data.ClusterConfiguration}',
      ]);
      expect(config.stdout).toContain(`kubernetesVersion: ${rig.sim.scenario.kubernetesVersion}`);
      expect(config.stdout).toContain('serviceSubnet: 10.96.0.0/12');
    },
  );

  it.each(KUBECTL_EDGES)(
    '59: kubectl %s rollout history and undo of a DaemonSet read its ControllerRevisions',
    async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const name = `history-${minor.replace('.', '-')}`;
      const labels = { app: name };
      await rig.apps.createNamespacedDaemonSet({
        namespace: 'monitoring',
        body: {
          metadata: { name },
          spec: {
            selector: { matchLabels: labels },
            template: { metadata: { labels }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
          },
        },
      });
      const revisions = async () =>
        (
          await rig.sim.registry.list(
            { group: 'apps', resource: 'controllerrevisions' },
            { namespace: 'monitoring', labelSelector: `app=${name}` },
          )
        ).items;
      const [first] = await eventually('the first revision', async () =>
        (await revisions()).length === 1 ? revisions() : undefined,
      );
      expect(first?.revision).toBe(1);
      expect(first?.metadata.name).toMatch(new RegExp(`^${name}-[bcdfghjklmnpqrstvwxz2456789]+$`));
      expect(first?.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'DaemonSet',
        name,
        controller: true,
      });
      expect(first?.metadata.labels?.['controller-revision-hash']).toBe(
        first?.metadata.name?.slice(name.length + 1),
      );
      const set = await kubectl.run(['set', 'image', `ds/${name}`, 'agent=agent:2', '-n', 'monitoring']);
      expect(set.stderr).toBe('');
      await eventually('the second revision', async () =>
        (await revisions()).length === 2 ? true : undefined,
      );
      const history = await kubectl.run(['rollout', 'history', `ds/${name}`, '-n', 'monitoring']);
      expect(history.stderr).toBe('');
      expect(rows(history.stdout).map((row) => row[0])).toEqual(['REVISION', '1', '2']);
      const second = await kubectl.run([
        'rollout',
        'history',
        `ds/${name}`,
        '-n',
        'monitoring',
        '--revision=2',
      ]);
      expect(second.stdout).toContain('agent:2');
      const undo = await kubectl.run(['rollout', 'undo', `ds/${name}`, '-n', 'monitoring']);
      expect(undo.stderr).toBe('');
      expect(undo.stdout.trim()).toBe(`daemonset.apps/${name} rolled back`);
      const image = async () =>
        (await rig.apps.readNamespacedDaemonSet({ name, namespace: 'monitoring' })).spec?.template.spec
          ?.containers[0]?.image;
      expect(await image()).toBe('agent:1');
      // Going back renumbers revision 1 as 3, as the controller's history does.
      await eventually('revision 1 renumbered', async () => {
        const numbers = (await revisions()).map((r) => [r.metadata.name, r.revision]);
        return numbers.some(([n, r]) => n === first?.metadata.name && r === 3) ? true : undefined;
      });
      await rig.apps.deleteNamespacedDaemonSet({ name, namespace: 'monitoring' });
    },
  );

  it('59: a StatefulSet has a ControllerRevision per template, labelled controller.kubernetes.io/hash', async () => {
    const labels = { app: 'history-sts' };
    await rig.apps.createNamespacedStatefulSet({
      namespace: 'monitoring',
      body: {
        metadata: { name: 'history-sts' },
        spec: {
          serviceName: 'history-sts',
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
        },
      },
    });
    const set = await eventually('the StatefulSet status', async () => {
      const s = await rig.apps.readNamespacedStatefulSet({ name: 'history-sts', namespace: 'monitoring' });
      return s.status?.updateRevision ? s : undefined;
    });
    const revision = await rig.apps.readNamespacedControllerRevision({
      name: set.status?.updateRevision ?? '',
      namespace: 'monitoring',
    });
    expect(revision.revision).toBe(1);
    expect(revision.metadata?.labels).toEqual({
      app: 'history-sts',
      'controller.kubernetes.io/hash': (set.status?.updateRevision ?? '').slice('history-sts-'.length),
    });
    const data = revision.data as { spec: { template: { $patch: string; spec: { containers: unknown[] } } } };
    expect(data.spec.template.$patch).toBe('replace');
    // The template as stored, defaults included.
    expect(data.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'db', image: 'db:1', imagePullPolicy: 'IfNotPresent' }),
    ]);
    await rig.apps.deleteNamespacedStatefulSet({ name: 'history-sts', namespace: 'monitoring' });
  });
});
