import { decodeObject } from '../../../src/sim/http/protobuf/k8s-protobuf.js';
import type { KubeObject } from '../../../src/sim/types.js';
import { CONFIGMAPS } from './support/seed.js';
import { startTestApi, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
  // The kubectl dispatcher picks its client from /version: 1.33's typed clients send protobuf bodies.
  t.api.setVersion('v1.33.1');
});
afterAll(async () => {
  await t.close();
});

const protobufWrites = () =>
  t.requests.filter(
    (r) => r.method !== 'GET' && r.headers['content-type'] === 'application/vnd.kubernetes.protobuf',
  );

async function getJson(path: string): Promise<KubeObject> {
  const response = await t.request(path, { headers: { Accept: 'application/json' } });
  expect(response.status).toBe(200);
  return (await response.json()) as KubeObject;
}

describe('protobuf contract (kubectl 1.33)', () => {
  it('90: kubectl create of built-in kinds sends protobuf and the objects are stored as sent', async () => {
    t.requests.length = 0;
    const commands = [
      ['create', 'namespace', 'proto-ns'],
      ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=8080', '-n', 'proto-ns'],
      ['create', 'configmap', 'settings', '--from-literal=mode=fast', '-n', 'proto-ns'],
      ['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret', '-n', 'proto-ns'],
      ['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'proto-ns'],
      ['create', 'job', 'once', '--image=busybox', '-n', 'proto-ns', '--', 'true'],
      ['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '-n', 'proto-ns'],
      ['create', 'serviceaccount', 'robot', '-n', 'proto-ns'],
      ['create', 'role', 'reader', '--verb=get,list', '--resource=pods', '-n', 'proto-ns'],
      [
        'create',
        'rolebinding',
        'robot-reads',
        '--role=reader',
        '--serviceaccount=proto-ns:robot',
        '-n',
        'proto-ns',
      ],
      ['create', 'clusterrole', 'node-reader', '--verb=get', '--resource=nodes'],
      ['create', 'quota', 'small', '--hard=pods=10,requests.cpu=2', '-n', 'proto-ns'],
      ['create', 'pdb', 'web-pdb', '--selector=app=web', '--min-available=1', '-n', 'proto-ns'],
      ['create', 'priorityclass', 'urgent', '--value=1000', '--description=first'],
      ['create', 'ingress', 'web', '--rule=web.example.com/=web:80', '-n', 'proto-ns'],
    ];
    for (const command of commands) {
      const result = await t.kubectl.run(command);
      expect({ command, stderr: result.stderr, exitCode: result.exitCode }).toEqual({
        command,
        stderr: '',
        exitCode: 0,
      });
      expect(result.stdout).toMatch(/ created\n?$/);
    }
    expect(protobufWrites().length).toBe(commands.length);

    const deployment = await getJson('/apis/apps/v1/namespaces/proto-ns/deployments/web');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({
      name: 'nginx',
      image: 'nginx:1.27',
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
    });
    const secret = await getJson('/api/v1/namespaces/proto-ns/secrets/creds');
    expect(Buffer.from((secret.data as Record<string, string>).password ?? '', 'base64').toString()).toBe(
      's3cret',
    );
    const service = await getJson('/api/v1/namespaces/proto-ns/services/web');
    expect(service.spec.ports[0]).toMatchObject({
      name: '80-8080',
      port: 80,
      targetPort: 8080,
      protocol: 'TCP',
    });
    const quota = await getJson('/api/v1/namespaces/proto-ns/resourcequotas/small');
    expect(quota.spec.hard).toEqual({ pods: '10', 'requests.cpu': '2' });
    const pdb = await getJson('/apis/policy/v1/namespaces/proto-ns/poddisruptionbudgets/web-pdb');
    expect(pdb.spec.minAvailable).toBe(1);
    const cronjob = await getJson('/apis/batch/v1/namespaces/proto-ns/cronjobs/nightly');
    expect(cronjob.spec.schedule).toBe('0 3 * * *');
    const priority = await getJson('/apis/scheduling.k8s.io/v1/priorityclasses/urgent');
    expect([priority.value, priority.description]).toEqual([1000, 'first']);
    const ingress = await getJson('/apis/networking.k8s.io/v1/namespaces/proto-ns/ingresses/web');
    expect(ingress.spec.rules[0].host).toBe('web.example.com');
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({
      service: { name: 'web', port: { number: 80 } },
    });
    const binding = await getJson(
      '/apis/rbac.authorization.k8s.io/v1/namespaces/proto-ns/rolebindings/robot-reads',
    );
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'robot', namespace: 'proto-ns' }]);
  });

  it('91: kubectl run, expose, label and annotate with the protobuf-preferring client; get -o json equals the JSON read', async () => {
    t.requests.length = 0;
    const run = await t.kubectl.run(['run', 'box', '--image=busybox', '--labels=app=box', '-n', 'proto-ns']);
    expect(run.stdout.trim()).toBe('pod/box created');
    const expose = await t.kubectl.run([
      'expose',
      'pod',
      'box',
      '--port=80',
      '--target-port=8080',
      '-n',
      'proto-ns',
    ]);
    expect(expose.stdout.trim()).toBe('service/box exposed');
    const service = await getJson('/api/v1/namespaces/proto-ns/services/box');
    expect(service.spec.selector).toEqual({ app: 'box' });
    expect(service.spec.ports[0]).toMatchObject({ port: 80, targetPort: 8080 });
    expect((await t.kubectl.run(['label', 'pod', 'box', 'tier=edge', '-n', 'proto-ns'])).stdout.trim()).toBe(
      'pod/box labeled',
    );
    expect((await t.kubectl.run(['annotate', 'pod', 'box', 'note=hi', '-n', 'proto-ns'])).stdout.trim()).toBe(
      'pod/box annotated',
    );
    const pod = await getJson('/api/v1/namespaces/proto-ns/pods/box');
    expect(pod.metadata.labels).toEqual({ app: 'box', tier: 'edge' });
    expect(pod.metadata.annotations).toEqual({ note: 'hi' });
    const yaml = await t.kubectl.run(['get', 'configmap', 'settings', '-n', 'proto-ns', '-o', 'json']);
    const read = await getJson('/api/v1/namespaces/proto-ns/configmaps/settings');
    // kubectl leaves managedFields out unless --show-managed-fields; the rest is the object as served.
    const { managedFields, ...metadata } = read.metadata;
    expect(managedFields).toHaveLength(1);
    expect(JSON.parse(yaml.stdout)).toEqual({ ...read, metadata });
    expect(read.data).toEqual({ mode: 'fast' });
  });

  it('92: kubectl scale and rollout restart of a deployment created over protobuf', async () => {
    const scale = await t.kubectl.run(['scale', 'deployment', 'web', '--replicas=3', '-n', 'proto-ns']);
    expect(scale.stdout.trim()).toBe('deployment.apps/web scaled');
    expect((await getJson('/apis/apps/v1/namespaces/proto-ns/deployments/web')).spec.replicas).toBe(3);
    const restart = await t.kubectl.run(['rollout', 'restart', 'deployment', 'web', '-n', 'proto-ns']);
    expect(restart.stdout.trim()).toBe('deployment.apps/web restarted');
    const deployment = await getJson('/apis/apps/v1/namespaces/proto-ns/deployments/web');
    expect(deployment.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeDefined();
  });

  it('93: a protobuf body of a kind with no protobuf message is 415 with the real message', async () => {
    // magic, runtime.Unknown{typeMeta{apiVersion "v1", kind "Widget"}, raw ""}
    const typeMeta = Buffer.concat([
      Buffer.from([0x0a, 2]),
      Buffer.from('v1'),
      Buffer.from([0x12, 6]),
      Buffer.from('Widget'),
    ]);
    const body = Buffer.concat([
      Buffer.from('6b387300', 'hex'),
      Buffer.from([0x0a, typeMeta.length]),
      typeMeta,
    ]);
    const response = await t.request('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/json' },
      body,
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { message: string }).message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    );
    await expect(t.registry.list(CONFIGMAPS, { namespace: 'default' })).resolves.toBeDefined();
  });

  it('94: a GET preferring protobuf answers the magic and runtime.Unknown, decoding to the JSON answer', async () => {
    const paths = [
      '/api/v1/namespaces/proto-ns/configmaps/settings',
      '/api/v1/namespaces/proto-ns/secrets/creds',
      '/api/v1/namespaces/proto-ns/services/web',
      '/api/v1/namespaces/proto-ns/pods/box',
      '/apis/apps/v1/namespaces/proto-ns/deployments/web',
      '/apis/batch/v1/namespaces/proto-ns/cronjobs/nightly',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/proto-ns/rolebindings/robot-reads',
      '/apis/policy/v1/namespaces/proto-ns/poddisruptionbudgets/web-pdb',
      '/api/v1/nodes/worker-1',
      '/api/v1/namespaces/proto-ns/pods',
    ];
    for (const path of paths) {
      const response = await t.request(path, {
        headers: { Accept: 'application/vnd.kubernetes.protobuf,application/json' },
      });
      expect(`${path} ${response.status} ${response.headers.get('content-type')}`).toBe(
        `${path} 200 application/vnd.kubernetes.protobuf`,
      );
      const body = new Uint8Array(await response.arrayBuffer());
      expect(Buffer.from(body.subarray(0, 4)).toString('hex')).toBe('6b387300');
      const decoded = decodeObject(body);
      const json = await getJson(path);
      expect({ path, decoded }).toEqual({ path, decoded: json });
    }
    // A Table is still JSON, and so is a custom resource or an error.
    const table = await t.request('/api/v1/namespaces/proto-ns/pods', {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    expect(table.headers.get('content-type')).toBe('application/json');
    const missing = await t.request('/api/v1/namespaces/proto-ns/pods/nothing', {
      headers: { Accept: 'application/vnd.kubernetes.protobuf,application/json' },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
  });
});
