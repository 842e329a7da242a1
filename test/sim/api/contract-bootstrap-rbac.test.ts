import YAML from 'yaml';
import { KUBECTL_EDGES, Kubectl, NEWEST_KUBECTL } from '../../support/kubectl.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

/**
 * The bootstrap policy as objects (contract tests 56–58): kube-apiserver's ClusterRoles and ClusterRoleBindings
 * plus kubeadm's, stored and listed like any others, and the only policy RBAC reads besides system:masters.
 */

let rig: SimRig;
const owned: Kubectl[] = [];

beforeAll(async () => {
  rig = await startSimRig({ scenario: 'small', https: true, timeScale: 0.01 });
}, 60_000);

afterAll(async () => {
  for (const kubectl of owned) await kubectl.dispose();
  await rig?.stop();
});

async function ok(kubectl: Kubectl, args: string[], input?: string): Promise<string> {
  const result = await kubectl.run(args, { input });
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function admin(minor = NEWEST_KUBECTL): Promise<Kubectl> {
  const kubectl = await rig.kubectl(minor);
  owned.push(kubectl);
  return kubectl;
}

/** kubectl with a freshly minted token of `namespace/sa` instead of the admin certificate. */
async function as(namespace: string, sa: string): Promise<Kubectl> {
  const token = (await ok(await admin(), ['create', 'token', sa, '-n', namespace])).trim();
  const config = YAML.parse(rig.sim.kubeconfig()) as { users: Array<{ user: unknown }> };
  for (const entry of config.users) entry.user = { token };
  const kubectl = await Kubectl.forKubeconfig(YAML.stringify(config), NEWEST_KUBECTL);
  owned.push(kubectl);
  return kubectl;
}

async function canI(kubectl: Kubectl, args: string[]): Promise<string> {
  return (await kubectl.run(['auth', 'can-i', ...args])).stdout.trim().split(' - ')[0] ?? '';
}

describe('the bootstrap policy', () => {
  it.each(KUBECTL_EDGES)(
    '56: kubectl %s lists the ClusterRoles and ClusterRoleBindings of a kubeadm v1.31 cluster',
    async (minor) => {
      const kubectl = await admin(minor);
      const roles = (await ok(kubectl, ['get', 'clusterroles', '-o', 'name'])).trim().split('\n');
      const bindings = (await ok(kubectl, ['get', 'clusterrolebindings', '-o', 'name'])).trim().split('\n');
      expect(roles.length).toBeGreaterThanOrEqual(60);
      expect(roles.length).toBeLessThanOrEqual(70);
      expect(bindings.length).toBeGreaterThanOrEqual(50);
      expect(bindings.length).toBeLessThanOrEqual(60);
      for (const name of [
        'cluster-admin',
        'admin',
        'edit',
        'view',
        'system:discovery',
        'system:node',
        'system:controller:deployment-controller',
        'kubeadm:get-nodes',
        'system:coredns',
      ]) {
        expect(roles).toContain(`clusterrole.rbac.authorization.k8s.io/${name}`);
      }
      const labelled = await ok(kubectl, [
        'get',
        'clusterroles',
        '-l',
        'kubernetes.io/bootstrapping=rbac-defaults',
        '-o',
        'name',
      ]);
      expect(labelled).toContain('clusterrole.rbac.authorization.k8s.io/system:controller:node-controller');
      expect(labelled).not.toContain('kubeadm:get-nodes');
      const masters = JSON.parse(
        await ok(kubectl, ['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json']),
      ) as { roleRef: unknown; subjects: unknown };
      expect(masters.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      });
      expect(masters.subjects).toEqual([
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' },
      ]);
    },
  );

  it.each(KUBECTL_EDGES)(
    '56: kubectl %s prints ClusterRoles and bindings with the API server columns',
    async (minor) => {
      const kubectl = await admin(minor);
      const role = await ok(kubectl, ['get', 'clusterrole', 'view']);
      expect(role).toMatch(/^NAME\s+CREATED AT\nview\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const binding = await ok(kubectl, [
        'get',
        'clusterrolebinding',
        'cluster-admin',
        'system:kube-dns',
        '-o',
        'wide',
      ]);
      const [header, masters, dns] = binding.trim().split('\n');
      expect(header?.split(/\s+/)).toEqual(['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
      expect(masters).toMatch(/^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters\s*$/);
      expect(dns).toMatch(
        /^system:kube-dns\s+ClusterRole\/system:kube-dns\s+\S+\s+kube-system\/kube-dns\s*$/,
      );
    },
  );

  it('56: admin, edit and view carry the aggregated rules, and admin holds everything edit does', async () => {
    const kubectl = await admin();
    const rulesOf = async (name: string) =>
      (
        JSON.parse(await ok(kubectl, ['get', 'clusterrole', name, '-o', 'json'])) as {
          rules: Array<{ resources?: string[]; verbs: string[] }>;
        }
      ).rules;
    const view = await rulesOf('view');
    const edit = await rulesOf('edit');
    const adminRules = await rulesOf('admin');
    expect(view.some((rule) => rule.resources?.includes('pods') && rule.verbs.includes('list'))).toBe(true);
    expect(view.some((rule) => rule.resources?.includes('secrets'))).toBe(false);
    for (const rule of edit) expect(adminRules).toContainEqual(rule);
    expect(adminRules.some((rule) => rule.resources?.includes('rolebindings'))).toBe(true);
  });

  it('57: RBAC decides with them: view, edit and a controller role granted through the stored bindings', async () => {
    const kubectl = await admin();
    await ok(kubectl, ['create', 'serviceaccount', 'viewer', '-n', 'shop']);
    await ok(kubectl, ['create', 'serviceaccount', 'editor', '-n', 'shop']);
    await ok(kubectl, [
      'create',
      'rolebinding',
      'viewer-view',
      '--clusterrole=view',
      '--serviceaccount=shop:viewer',
      '-n',
      'shop',
    ]);
    await ok(kubectl, [
      'create',
      'rolebinding',
      'editor-edit',
      '--clusterrole=edit',
      '--serviceaccount=shop:editor',
      '-n',
      'shop',
    ]);
    const viewer = await as('shop', 'viewer');
    const editor = await as('shop', 'editor');
    const deployments = await as('kube-system', 'deployment-controller');
    const cases: Array<[Kubectl, string, string[], string]> = [
      [viewer, 'viewer', ['list', 'pods', '-n', 'shop'], 'yes'],
      [viewer, 'viewer', ['list', 'secrets', '-n', 'shop'], 'no'],
      [viewer, 'viewer', ['delete', 'pods', '-n', 'shop'], 'no'],
      [viewer, 'viewer', ['list', 'pods', '-n', 'monitoring'], 'no'],
      [editor, 'editor', ['delete', 'pods', '-n', 'shop'], 'yes'],
      [editor, 'editor', ['create', 'pods/eviction', '-n', 'shop'], 'yes'],
      [editor, 'editor', ['create', 'rolebindings', '-n', 'shop'], 'no'],
      [deployments, 'deployment-controller', ['update', 'deployments.apps', '-A'], 'yes'],
      [deployments, 'deployment-controller', ['create', 'replicasets.apps', '-A'], 'yes'],
      [deployments, 'deployment-controller', ['list', 'secrets', '-A'], 'no'],
    ];
    for (const [who, name, args, answer] of cases) {
      expect(`${name} can-i ${args.join(' ')}: ${await canI(who, args)}`).toBe(
        `${name} can-i ${args.join(' ')}: ${answer}`,
      );
    }
    expect(await ok(viewer, ['get', 'pods', '-n', 'shop', '-o', 'name'])).toContain('pod/');
    // system:discovery and system:basic-user come from their stored bindings to system:authenticated.
    expect(await canI(viewer, ['get', '/version'])).toBe('yes');
    expect(
      (await ok(viewer, ['auth', 'whoami', '-o', 'json'])).includes('system:serviceaccount:shop:viewer'),
    ).toBe(true);
  });

  it('58: a ClusterRole labelled aggregate-to-view extends view, as the aggregation controller does', async () => {
    const kubectl = await admin();
    await ok(
      kubectl,
      ['apply', '-f', '-'],
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: leases-viewer
  labels: { rbac.authorization.k8s.io/aggregate-to-view: "true" }
rules:
  - { apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, list, watch] }
`,
    );
    await ok(kubectl, ['create', 'serviceaccount', 'leases', '-n', 'shop']);
    await ok(kubectl, [
      'create',
      'rolebinding',
      'leases-view',
      '--clusterrole=view',
      '--serviceaccount=shop:leases',
      '-n',
      'shop',
    ]);
    const viewer = await as('shop', 'leases');
    await eventually('view to aggregate the new role', async () =>
      (await canI(viewer, ['list', 'leases.coordination.k8s.io', '-n', 'shop'])) === 'yes' ? true : undefined,
    );
    await ok(kubectl, ['delete', 'clusterrole', 'leases-viewer']);
    await eventually('view to drop it again', async () =>
      (await canI(viewer, ['list', 'leases.coordination.k8s.io', '-n', 'shop'])) === 'no' ? true : undefined,
    );
  });
});
