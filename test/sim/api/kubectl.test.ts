import YAML from 'yaml';
import { CONFIGMAPS, DEPLOYMENTS, PODS } from './support/seed.js';
import { startTestApi, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => {
  t = await startTestApi();
  t.clock.advance(5 * 60 * 1000);
});
afterAll(async () => {
  await t.close();
});

const MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: default
data:
  mode: blue
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  selector: {app: web}
  ports:
  - port: 80
`;

function table(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}

describe('real kubectl against the simulator', () => {
  it('api-resources lists every group with short names and kinds', async () => {
    const result = await t.kubectl.run(['api-resources']);
    expect(result.exitCode).toBe(0);
    const rows = table(result.stdout);
    expect(rows[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    const byName = new Map(rows.slice(1).map((row) => [row[0], row]));
    expect(byName.get('pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(byName.get('poddisruptionbudgets')).toEqual([
      'poddisruptionbudgets',
      'pdb',
      'policy/v1',
      'true',
      'PodDisruptionBudget',
    ]);
    expect(byName.get('deployments')).toEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(byName.get('leases')).toEqual(['leases', 'coordination.k8s.io/v1', 'true', 'Lease']);
    expect(rows.length - 1).toBeGreaterThanOrEqual(34);
  });

  it('apply -f of a multi-document YAML creates, re-applies unchanged, configures, and delete -f removes', async () => {
    const file = await t.kubectl.writeFile('app.yaml', MANIFEST);
    const created = await t.kubectl.run(['apply', '-f', file]);
    expect(created.stdout.trim().split('\n')).toEqual([
      'configmap/app-config created',
      'deployment.apps/web created',
      'service/web created',
    ]);
    const again = await t.kubectl.run(['apply', '-f', file]);
    expect(again.stdout.trim().split('\n')).toEqual([
      'configmap/app-config unchanged',
      'deployment.apps/web unchanged',
      'service/web unchanged',
    ]);
    await t.kubectl.writeFile('app.yaml', MANIFEST.replace('replicas: 2', 'replicas: 3'));
    const changed = await t.kubectl.run(['apply', '-f', file]);
    expect(changed.stdout).toContain('deployment.apps/web configured');
    const deployment = await t.registry.get(DEPLOYMENTS, 'default', 'web');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.metadata.generation).toBe(2);
    expect(deployment.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '"replicas":3',
    );

    const listed = await t.kubectl.run(['get', 'deploy,svc,cm', '-n', 'default']);
    expect(listed.stdout).toMatch(/deployment\.apps\/web\s+0\/3\s+0\s+0\s+0s/);
    expect(listed.stdout).toMatch(
      /service\/web\s+ClusterIP\s+10\.(9[6-9]|10\d|11[01])\.\d+\.\d+\s+<none>\s+80\/TCP\s+0s/,
    );
    expect(listed.stdout).toMatch(/configmap\/app-config\s+1\s+0s/);

    const serverSide = await t.kubectl.run(['apply', '--server-side', '-f', file]);
    expect(serverSide.stdout).toContain('deployment.apps/web serverside-applied');

    const deleted = await t.kubectl.run(['delete', '-f', file]);
    expect(deleted.exitCode).toBe(0);
    expect(deleted.stdout.trim().split('\n')).toEqual([
      'configmap "app-config" deleted',
      'deployment.apps "web" deleted',
      'service "web" deleted',
    ]);
    await expect(t.registry.get(CONFIGMAPS, 'default', 'app-config')).rejects.toMatchObject({ code: 404 });
  });

  it('get all -A -o yaml returns the all-category objects as a List', async () => {
    const result = await t.kubectl.run(['get', 'all', '-A', '-o', 'yaml']);
    expect(result.exitCode).toBe(0);
    const list = YAML.parse(result.stdout) as {
      kind: string;
      items: Array<{ kind: string; metadata: { name: string } }>;
    };
    expect(list.kind).toBe('List');
    expect(list.items.filter((i) => i.kind === 'Pod').map((i) => i.metadata.name)).toEqual([
      'web-1',
      'web-2',
      'db-1',
    ]);
    const requested = t.requests.map((r) => r.url.split('?')[0]);
    for (const path of [
      '/api/v1/pods',
      '/api/v1/services',
      '/apis/apps/v1/deployments',
      '/apis/batch/v1/cronjobs',
    ]) {
      expect(requested).toContain(path);
    }
  });

  it('get all -A prints each resource with its kind prefix', async () => {
    const result = await t.kubectl.run(['get', 'all', '-A']);
    expect(result.stdout).toMatch(/default\s+pod\/web-1\s+1\/1\s+Running\s+0\s+5m/);
    expect(result.stdout).toMatch(/team\s+pod\/db-1\s+0\/1\s+Pending\s+0\s+5m/);
  });

  it('label and patch change the pod and print what kubectl prints', async () => {
    const labelled = await t.kubectl.run(['label', 'pod', 'web-1', 'tier=front']);
    expect(labelled.stdout.trim()).toBe('pod/web-1 labeled');
    const labelPatch = t.requests.filter((r) => r.method === 'PATCH').pop();
    expect(labelPatch?.headers['content-type']).toBe('application/merge-patch+json');
    const shown = await t.kubectl.run(['get', 'pod', 'web-1', '--show-labels']);
    expect(shown.stdout).toMatch(/web-1\s+1\/1\s+Running\s+0\s+5m\s+app=web,tier=front/);

    const patched = await t.kubectl.run([
      'patch',
      'pod',
      'web-1',
      '-p',
      '{"metadata":{"annotations":{"owner":"ops"}}}',
    ]);
    expect(patched.stdout.trim()).toBe('pod/web-1 patched');
    expect((await t.registry.get(PODS, 'default', 'web-1')).metadata.annotations).toEqual({ owner: 'ops' });
    const unchanged = await t.kubectl.run([
      'patch',
      'pod',
      'web-1',
      '-p',
      '{"metadata":{"annotations":{"owner":"ops"}}}',
    ]);
    expect(unchanged.stdout.trim()).toBe('pod/web-1 patched (no change)');
    const jsonPatch = await t.kubectl.run([
      'patch',
      'pod',
      'web-1',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/annotations/owner"}]',
    ]);
    expect(jsonPatch.stdout.trim()).toBe('pod/web-1 patched');
  });

  it('scale goes through the scale subresource and bumps the generation', async () => {
    await t.registry.create(DEPLOYMENTS, 'team', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: { containers: [{ name: 'c', image: 'api:1' }] },
        },
      },
    });
    const result = await t.kubectl.run(['scale', 'deployment', 'api', '-n', 'team', '--replicas=4']);
    expect(result.stdout.trim()).toBe('deployment.apps/api scaled');
    expect(
      t.requests.some((r) => r.url.startsWith('/apis/apps/v1/namespaces/team/deployments/api/scale')),
    ).toBe(true);
    const deployment = await t.registry.get(DEPLOYMENTS, 'team', 'api');
    expect(deployment.spec.replicas).toBe(4);
    expect(deployment.metadata.generation).toBe(2);
  });

  it('get of a missing node is an error with exit 1', async () => {
    const result = await t.kubectl.run(['get', 'node', 'nope']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe('Error from server (NotFound): nodes "nope" not found');
  });

  it('an empty list prints No resources found', async () => {
    const result = await t.kubectl.run(['get', 'jobs', '-n', 'team']);
    expect(result.stderr.trim()).toBe('No resources found in team namespace.');
  });
});
