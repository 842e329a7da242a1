import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createRegistry } from '../../../src/sim/registry/sim-registry.js';
import type { KubeObject } from '../../../src/sim/types.js';
import { Kubectl, NEWEST_KUBECTL, OLDEST_KUBECTL } from '../../support/kubectl.js';
import { startTestApi, type TestApi } from './support/test-api.js';

const SERVICES = { group: '', resource: 'services' };

let t: TestApi;
const kubectls: Record<string, Kubectl> = {};
beforeAll(async () => {
  t = await startTestApi();
  for (const minor of [OLDEST_KUBECTL, NEWEST_KUBECTL])
    kubectls[minor] = await Kubectl.forKubeconfig(t.api.kubeconfig(), minor);
});
afterAll(async () => {
  for (const kubectl of Object.values(kubectls)) await kubectl.dispose();
  await t.close();
});

const json = (method: string, body: unknown, type = 'application/json') => ({
  method,
  headers: { 'Content-Type': type, Accept: 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const core = () => {
  const config = new KubeConfig();
  config.loadFromString(t.api.kubeconfig());
  return config.makeApiClient(CoreV1Api);
};
const MIB = 1024 * 1024;

describe('limits contract', () => {
  it('110: a ConfigMap or Secret whose data passes 1 MiB is refused with the real Status; 1 MiB exactly is fine', async () => {
    const big = await t.request(
      '/api/v1/namespaces/default/configmaps',
      json('POST', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'big' },
        data: { a: 'x'.repeat(MIB - 10), b: 'y'.repeat(11) },
      }),
    );
    expect(big.status).toBe(422);
    expect(await big.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes',
      reason: 'Invalid',
      details: {
        name: 'big',
        kind: 'ConfigMap',
        causes: [
          { reason: 'FieldValueTooLong', message: 'Too long: must have at most 1048576 bytes', field: '[]' },
        ],
      },
      code: 422,
    });
    const exact = await t.request(
      '/api/v1/namespaces/default/configmaps',
      json('POST', { metadata: { name: 'exact' }, data: { a: 'x'.repeat(MIB) } }),
    );
    expect(exact.status).toBe(201);
    // Secret data counts decoded bytes; stringData joins data before the check.
    const secret = await t.request(
      '/api/v1/namespaces/default/secrets',
      json('POST', {
        metadata: { name: 'big-secret' },
        data: { a: Buffer.alloc(MIB).toString('base64') },
        stringData: { b: 'z' },
      }),
    );
    expect(secret.status).toBe(422);
    expect(await secret.json()).toMatchObject({
      message: 'Secret "big-secret" is invalid: data: Too long: must have at most 1048576 bytes',
      details: { causes: [{ reason: 'FieldValueTooLong', field: 'data' }] },
    });
    const fine = await core().createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'small-secret' }, stringData: { user: 'alice' } },
    });
    expect(fine.data).toEqual({ user: Buffer.from('alice').toString('base64') });
    expect(fine.stringData).toBeUndefined();
    // kubectl shows the server's words.
    const path = await kubectls[OLDEST_KUBECTL]?.writeFile('big.txt', 'q'.repeat(MIB + 1));
    const result = await kubectls[OLDEST_KUBECTL]?.run([
      'create',
      'configmap',
      'from-file',
      `--from-file=${path}`,
    ]);
    expect(result?.exitCode).toBe(1);
    expect(result?.stderr.trim()).toBe(
      'error: failed to create configmap: ConfigMap "from-file" is invalid: []: Too long: must have at most 1048576 bytes',
    );
  });

  it('111: a request body over 3 MiB is 413 Request entity too large; the limit itself passes', async () => {
    const over = await t.request(
      '/api/v1/namespaces/default/configmaps',
      json('POST', `{"metadata":{"name":"huge"},"data":{"a":"${'x'.repeat(3 * MIB)}"}}`),
    );
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Request entity too large: limit is 3145728',
      reason: 'RequestEntityTooLarge',
      code: 413,
    });
    const padded = `{"metadata":{"name":"padded"}}`.padEnd(3 * MIB, ' ');
    const atLimit = await t.request('/api/v1/namespaces/default/configmaps', json('POST', padded));
    expect(atLimit.status).toBe(201);
    await expect(
      t.registry.get({ group: '', resource: 'configmaps' }, 'default', 'huge'),
    ).rejects.toMatchObject({
      code: 404,
    });
  });

  it('112: immutable ConfigMaps and Secrets refuse data changes and un-setting immutable (kubectl 1.27 and 1.33)', async () => {
    await core().createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'frozen' }, data: { k: 'v' }, immutable: true },
    });
    await core().createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'frozen' }, data: { k: 'dg==' }, immutable: true },
    });
    for (const minor of [OLDEST_KUBECTL, NEWEST_KUBECTL]) {
      const kubectl = kubectls[minor] as Kubectl;
      const data = await kubectl.run(['patch', 'configmap', 'frozen', '-p', '{"data":{"k":"w"}}']);
      expect(data.exitCode).toBe(1);
      expect(data.stderr.trim()).toBe(
        'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
      );
      const both = await kubectl.run([
        'patch',
        'secret',
        'frozen',
        '--type=merge',
        '-p',
        '{"immutable":false,"stringData":{"k":"x"}}',
      ]);
      expect(both.stderr.trim()).toBe(
        'The Secret "frozen" is invalid: \n* immutable: Forbidden: field is immutable when `immutable` is set\n* data: Forbidden: field is immutable when `immutable` is set',
      );
      // Metadata may still change.
      const label = await kubectl.run([
        'label',
        'configmap',
        'frozen',
        `seen-by-${minor.replace('.', '-')}=yes`,
      ]);
      expect(label.stdout.trim()).toBe('configmap/frozen labeled');
    }
    const response = await t.request(
      '/api/v1/namespaces/default/secrets/frozen',
      json('PATCH', { type: 'kubernetes.io/tls' }, 'application/merge-patch+json'),
    );
    expect(await response.json()).toMatchObject({
      code: 422,
      details: {
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: "kubernetes.io/tls": field is immutable',
            field: 'type',
          },
        ],
      },
    });
  });

  it('113: a Deployment selector and a Job template are immutable with the real messages', async () => {
    // kubectl 1.33 sends typed creates as protobuf, which the simulator does not decode: create with 1.27.
    const creator = kubectls[OLDEST_KUBECTL] as Kubectl;
    const kubectl = kubectls[NEWEST_KUBECTL] as Kubectl;
    const created = await creator.run(['create', 'deployment', 'shop', '--image=nginx']);
    expect(created.exitCode).toBe(0);
    const patch = await kubectl.run([
      'patch',
      'deployment',
      'shop',
      '--type=merge',
      '-p',
      '{"spec":{"selector":{"matchLabels":{"app":"shop","tier":"web"}},"template":{"metadata":{"labels":{"tier":"web"}}}}}',
    ]);
    expect(patch.stderr.trim()).toBe(
      'The Deployment "shop" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"shop", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
    expect((await creator.run(['create', 'job', 'once', '--image=busybox'])).exitCode).toBe(0);
    const job = await t.request(
      '/apis/batch/v1/namespaces/default/jobs/once',
      json(
        'PATCH',
        { spec: { template: { spec: { containers: [{ name: 'once', image: 'alpine' }] } } } },
        'application/strategic-merge-patch+json',
      ),
    );
    expect(job.status).toBe(422);
    const status = (await job.json()) as {
      message: string;
      details: { causes: Array<{ field: string; reason: string }> };
    };
    expect(status.details.causes).toEqual([
      expect.objectContaining({ field: 'spec.template', reason: 'FieldValueInvalid' }),
    ]);
    expect(status.message).toMatch(
      /^Job\.batch "once" is invalid: spec\.template: Invalid value: core\.PodTemplateSpec.*: field is immutable$/,
    );
  });

  it('114: Services get a clusterIP from 10.96.0.0/12 and NodePorts from 30000-32767; kubectl expose and create service show them', async () => {
    const kubectl = kubectls[OLDEST_KUBECTL] as Kubectl;
    expect(
      (await kubectl.run(['expose', 'deployment', 'shop', '--port=80', '--type=NodePort'])).exitCode,
    ).toBe(0);
    const shop = await t.registry.get(SERVICES, 'default', 'shop');
    const ip = shop.spec.clusterIP as string;
    const [a, b] = ip.split('.').map(Number);
    expect(a).toBe(10);
    expect(b).toBeGreaterThanOrEqual(96);
    expect(b).toBeLessThanOrEqual(111);
    expect(shop.spec.clusterIPs).toEqual([ip]);
    const nodePort = shop.spec.ports[0].nodePort as number;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    expect(shop.spec.externalTrafficPolicy).toBe('Cluster');
    const table = await kubectl.run(['get', 'service', 'shop', '--no-headers']);
    expect(table.stdout.split(/\s+/).slice(0, 5)).toEqual([
      'shop',
      'NodePort',
      ip,
      '<none>',
      `80:${nodePort}/TCP`,
    ]);
    const created = await kubectls[OLDEST_KUBECTL]?.run([
      'create',
      'service',
      'nodeport',
      'fixed',
      '--tcp=8080:80',
      '--node-port=30080',
    ]);
    expect(created?.exitCode).toBe(0);
    const fixed = await kubectls[NEWEST_KUBECTL]?.run([
      'get',
      'service',
      'fixed',
      '-o',
      'jsonpath={.spec.ports[0].nodePort} {.spec.clusterIP}',
    ]);
    const [port, fixedIp] = (fixed?.stdout ?? '').split(' ');
    expect(port).toBe('30080');
    expect(fixedIp).not.toBe(ip);
    expect(fixedIp).toMatch(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
    const headless = await core().createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 5432 }] } },
    });
    expect([headless.spec?.clusterIP, headless.spec?.clusterIPs]).toEqual(['None', ['None']]);
  });

  it('115: a requested IP or port already taken, or out of range, is refused with the allocator messages', async () => {
    const requested = await core().createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'dns' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] } },
    });
    expect(requested.spec?.clusterIP).toBe('10.96.0.10');
    const post = (body: unknown) => t.request('/api/v1/namespaces/default/services', json('POST', body));
    const taken = await post({
      metadata: { name: 'dns2' },
      spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] },
    });
    expect(await taken.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
      reason: 'Invalid',
      details: {
        name: 'dns2',
        kind: 'Service',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message:
              'Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
            field: 'spec.clusterIPs',
          },
        ],
      },
      code: 422,
    });
    const outside = await post({
      metadata: { name: 'far' },
      spec: { clusterIP: '10.0.0.5', ports: [{ port: 53 }] },
    });
    expect(((await outside.json()) as { message: string }).message).toBe(
      'Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed to allocate IP 10.0.0.5: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
    const kubectl = kubectls[OLDEST_KUBECTL] as Kubectl;
    const dup = await kubectl.run([
      'create',
      'service',
      'nodeport',
      'dup',
      '--tcp=8080:80',
      '--node-port=30080',
    ]);
    expect(dup.stderr.trim()).toBe(
      'error: failed to create NodePort service: Service "dup" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    const low = await kubectl.run([
      'create',
      'service',
      'nodeport',
      'low',
      '--tcp=8080:80',
      '--node-port=29999',
    ]);
    expect(low.stderr.trim()).toBe(
      'error: failed to create NodePort service: Service "low" is invalid: spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    // Released on delete: the same port and IP can be taken again.
    expect((await kubectl.run(['delete', 'service', 'fixed', 'dns'])).exitCode).toBe(0);
    expect(
      (await kubectl.run(['create', 'service', 'nodeport', 'dup', '--tcp=8080:80', '--node-port=30080']))
        .exitCode,
    ).toBe(0);
    const again = await post({
      metadata: { name: 'dns2' },
      spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] },
    });
    expect(again.status).toBe(201);
  });

  it('116: clusterIPs may not change once set; re-applying without clusterIP or nodePort keeps them', async () => {
    const before = await t.registry.get(SERVICES, 'default', 'shop');
    const kubectl = kubectls[NEWEST_KUBECTL] as Kubectl;
    const change = await kubectl.run([
      'patch',
      'service',
      'shop',
      '-p',
      '{"spec":{"clusterIP":"10.96.0.99"}}',
    ]);
    expect(change.stderr.trim()).toBe(
      'The Service "shop" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set',
    );
    // A replace that leaves the allocated values out keeps them (patchAllocatedValues).
    const { clusterIP: _ip, clusterIPs: _ips, ...spec } = before.spec as Record<string, unknown>;
    const ports = (spec.ports as Array<Record<string, unknown>>).map(({ nodePort: _n, ...port }) => port);
    const replaced = await t.request(
      '/api/v1/namespaces/default/services/shop',
      json('PUT', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'shop' },
        spec: { ...spec, ports },
      }),
    );
    expect(replaced.status).toBe(200);
    const after = (await replaced.json()) as KubeObject;
    expect([after.spec.clusterIP, after.spec.ports[0].nodePort]).toEqual([
      before.spec.clusterIP,
      before.spec.ports[0].nodePort,
    ]);
    // NodePort → ClusterIP gives the port back.
    const toClusterIp = await kubectl.run([
      'patch',
      'service',
      'shop',
      '-p',
      '{"spec":{"type":"ClusterIP"}}',
    ]);
    expect(toClusterIp.exitCode).toBe(0);
    const port = before.spec.ports[0].nodePort as number;
    const reuse = await t.request(
      '/api/v1/namespaces/default/services',
      json('POST', {
        metadata: { name: 'reuse' },
        spec: { type: 'NodePort', ports: [{ port: 80, nodePort: port }] },
      }),
    );
    expect(reuse.status).toBe(201);
  });

  it('117: allocation is rebuilt from the store: a registry over the same store refuses what is taken', async () => {
    const restarted = createRegistry({ store: t.store, clock: t.clock });
    const shop = await restarted.get(SERVICES, 'default', 'shop');
    await expect(
      restarted.create(SERVICES, 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'copy' },
        spec: { clusterIP: shop.spec.clusterIP, ports: [{ port: 80 }] },
      }),
    ).rejects.toMatchObject({
      code: 422,
      status: { details: { causes: [expect.objectContaining({ field: 'spec.clusterIPs' })] } },
    });
    await expect(
      restarted.create(SERVICES, 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'copy' },
        spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] },
      }),
    ).rejects.toMatchObject({
      code: 422,
      message: expect.stringContaining('provided port is already allocated'),
    });
  });
});

describe('managedFields contract', () => {
  const CONFIGMAPS = { group: '', resource: 'configmaps' };
  const at = () => new Date(t.clock.now()).toISOString().replace('.000Z', 'Z');

  it('118: each write records its manager (fieldManager or the User-Agent) with FieldsV1; a later writer takes over what it changed', async () => {
    const creator = kubectls[OLDEST_KUBECTL] as Kubectl;
    const kubectl = kubectls[NEWEST_KUBECTL] as Kubectl;
    expect(
      (await creator.run(['create', 'configmap', 'owned', '--from-literal=a=1', '--from-literal=b=2']))
        .exitCode,
    ).toBe(0);
    const created = at();
    t.clock.advance(5000);
    expect((await kubectl.run(['label', 'configmap', 'owned', 'team=blue'])).exitCode).toBe(0);
    const labelled = at();
    const edited = await t.request('/api/v1/namespaces/default/configmaps/owned', {
      ...json('PATCH', { data: { b: '3' } }, 'application/merge-patch+json'),
      headers: { 'Content-Type': 'application/merge-patch+json', 'User-Agent': 'ops-bot/2.1 (linux)' },
    });
    expect(edited.status).toBe(200);
    const object = await t.registry.get(CONFIGMAPS, 'default', 'owned');
    expect(object.metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: created,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} } },
      },
      {
        manager: 'kubectl-label',
        operation: 'Update',
        apiVersion: 'v1',
        time: labelled,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:team': {} } } },
      },
      {
        manager: 'ops-bot',
        operation: 'Update',
        apiVersion: 'v1',
        time: labelled,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:b': {} } },
      },
    ]);
    // kubectl hides them unless asked.
    const plain = await kubectl.run(['get', 'configmap', 'owned', '-o', 'yaml']);
    expect(plain.stdout).not.toContain('managedFields');
    const shown = await kubectl.run(['get', 'configmap', 'owned', '-o', 'yaml', '--show-managed-fields']);
    expect(shown.stdout).toContain('manager: kubectl-create');
    expect(shown.stdout).toContain('manager: ops-bot');
    // A write that changes nothing records nothing and is no new revision.
    const again = await kubectl.run(['label', 'configmap', 'owned', 'team=blue', '--overwrite']);
    expect(again.exitCode).toBe(0);
    expect((await t.registry.get(CONFIGMAPS, 'default', 'owned')).metadata.resourceVersion).toBe(
      object.metadata.resourceVersion,
    );
    // Typed workloads: list items by their merge key, `.` for fields the write added.
    expect((await creator.run(['create', 'deployment', 'fields', '--image=nginx'])).exitCode).toBe(0);
    const deployment = await t.registry.get({ group: 'apps', resource: 'deployments' }, 'default', 'fields');
    type Fields = { [key: string]: Fields };
    const [entry] = (deployment.metadata.managedFields ?? []) as Array<{ fieldsV1: Fields }>;
    const fieldsV1 = entry?.fieldsV1 ?? {};
    const spec = fieldsV1['f:spec'] ?? {};
    const containers = spec['f:template']?.['f:spec']?.['f:containers'] ?? {};
    expect(fieldsV1['f:metadata']).toEqual({ 'f:labels': { '.': {}, 'f:app': {} } });
    expect(spec['f:selector']).toEqual({});
    expect(Object.keys(containers)).toEqual(['k:{"name":"nginx"}']);
    expect(containers['k:{"name":"nginx"}']).toMatchObject({ '.': {}, 'f:image': {}, 'f:name': {} });
  });

  it('119: server-side apply records an Apply entry (create and update, force accepted); status writes record their subresource', async () => {
    const kubectl = kubectls[NEWEST_KUBECTL] as Kubectl;
    const manifest = (value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  labels:\n    owner: ssa\ndata:\n  mode: ${value}\n`;
    const file = await kubectl.writeFile('applied.yaml', manifest('one'));
    const first = await kubectl.run(['apply', '--server-side', '-f', file]);
    expect(first.stdout.trim()).toBe('configmap/applied serverside-applied');
    await kubectl.writeFile('applied.yaml', manifest('two'));
    const forced = await kubectl.run(['apply', '--server-side', '--force-conflicts', '-f', file]);
    expect(forced.exitCode).toBe(0);
    const object = await t.registry.get(CONFIGMAPS, 'default', 'applied');
    expect(object.data).toEqual({ mode: 'two' });
    expect(object.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: at(),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:mode': {} }, 'f:metadata': { 'f:labels': { 'f:owner': {} } } },
      },
    ]);
    const status = await t.request('/api/v1/nodes/worker-2/status?fieldManager=node-agent', {
      ...json(
        'PATCH',
        { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Probe' }] } },
        'application/merge-patch+json',
      ),
    });
    expect(status.status).toBe(200);
    const node = (await status.json()) as KubeObject;
    expect(node.metadata.managedFields).toContainEqual(
      expect.objectContaining({
        manager: 'node-agent',
        operation: 'Update',
        subresource: 'status',
        fieldsV1: {
          'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { 'f:reason': {}, 'f:status': {} } } },
        },
      }),
    );
  });
});
