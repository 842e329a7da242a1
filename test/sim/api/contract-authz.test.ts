import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import YAML from 'yaml';
import { kubeDrainPorts } from '../../../src/adapters/k8s/drain-adapters.js';
import { drainNodes } from '../../../src/ops/drain/drain-nodes.js';
import { systemClock } from '../../../src/shared/clock.js';
import { startSimulator } from '../../../src/sim/index.js';
import { KUBECTL_EDGES, Kubectl, NEWEST_KUBECTL, OLDEST_KUBECTL } from '../../support/kubectl.js';
import { type SimRig, startSimRig } from '../../support/sim.js';

/**
 * Who is asking (contract tests 70–79): client certificates and ServiceAccount tokens on `bosun sim --https`, RBAC
 * against Roles, ClusterRoles and bindings, the real 401/403 Status bodies, the review kinds, and bosun's own
 * least-privilege ClusterRole (deploy/rbac.yaml) doing a drain.
 */

let rig: SimRig;
/** Setup as the admin with kubectl 1.27 (1.32+ write built-in kinds as protobuf, which other work serves). */
let admin: Kubectl;
let newest: Kubectl;
const owned: Kubectl[] = [];

beforeAll(async () => {
  rig = await startSimRig({ scenario: 'small', https: true });
  admin = await rig.kubectl(OLDEST_KUBECTL);
  newest = await rig.kubectl(NEWEST_KUBECTL);
}, 60_000);

afterAll(async () => {
  for (const kubectl of owned) await kubectl.dispose();
  await rig?.stop();
});

/** The sim's kubeconfig with its user replaced (a token, or nothing at all). */
function kubeconfigWith(user: Record<string, string>): string {
  const config = YAML.parse(rig.sim.kubeconfig()) as { users: Array<{ user: unknown }> };
  for (const entry of config.users) entry.user = user;
  return YAML.stringify(config);
}

async function kubectlAs(token: string, minor: string): Promise<Kubectl> {
  const kubectl = await Kubectl.forKubeconfig(kubeconfigWith({ token }), minor);
  owned.push(kubectl);
  return kubectl;
}

async function mint(namespace: string, sa: string, minor = NEWEST_KUBECTL): Promise<string> {
  const kubectl = minor === NEWEST_KUBECTL ? newest : admin;
  const result = await kubectl.run(['create', 'token', sa, '-n', namespace]);
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

async function ok(kubectl: Kubectl, args: string[], input?: string): Promise<string> {
  const result = await kubectl.run(args, { input });
  if (result.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A raw HTTPS request to the sim (CA from its kubeconfig), with the given headers. */
function raw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ code: number; body: unknown }> {
  const config = YAML.parse(rig.sim.kubeconfig()) as {
    clusters: Array<{ cluster: { 'certificate-authority-data': string } }>;
  };
  const ca = Buffer.from(
    config.clusters[0]?.cluster['certificate-authority-data'] ?? '',
    'base64',
  ).toString();
  const url = new URL(path, rig.sim.url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: new Agent({ ca }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ code: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('authentication', () => {
  it('70: the kubeconfig is the admin client certificate: whoami, can-i everything (kubectl 1.27 and 1.33)', async () => {
    const whoami = await ok(newest, ['auth', 'whoami']);
    expect(whoami).toMatch(
      /^ATTRIBUTE\s+VALUE\nUsername\s+kubernetes-admin\nGroups\s+\[system:masters system:authenticated\]$/,
    );
    for (const minor of KUBECTL_EDGES) {
      const kubectl = await rig.kubectl(minor);
      expect(await ok(kubectl, ['auth', 'can-i', '*', '*', '--all-namespaces'])).toBe('yes');
      expect(await ok(kubectl, ['auth', 'can-i', 'get', '/_sim/faults'])).toBe('yes');
    }
  });

  it('71: no credentials or an unknown token on HTTPS answer the real 401 Status; plain HTTP stays the insecure port', async () => {
    const unauthorized = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    };
    expect(await raw('/api/v1/namespaces/shop/pods')).toEqual({ code: 401, body: unauthorized });
    expect(await raw('/api/v1/nodes', { headers: bearer('not-a-token') })).toEqual({
      code: 401,
      body: unauthorized,
    });
    const stranger = await kubectlAs('not-a-token', OLDEST_KUBECTL);
    const refused = await stranger.run(['get', 'pods', '-n', 'shop']);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );

    const plain = await startSimulator({ scenario: 'small', timeScale: 0.01 });
    try {
      const response = await fetch(`${plain.url}/api/v1/namespaces/shop/pods`);
      expect(response.status).toBe(200);
      const review = await fetch(`${plain.url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      });
      expect(review.status).toBe(201);
      expect(((await review.json()) as { status: unknown }).status).toEqual({
        userInfo: { username: 'system:unsecured', groups: ['system:masters', 'system:authenticated'] },
      });
    } finally {
      await plain.stop();
    }
  });

  it('72: kubectl create token mints a ServiceAccount token the sim verifies (whoami, TokenReview); too short or for a deleted ServiceAccount fails', async () => {
    await ok(admin, ['create', 'serviceaccount', 'reader', '-n', 'shop']);
    const uid = (
      await ok(admin, ['get', 'sa', 'reader', '-n', 'shop', '-o', 'jsonpath={.metadata.uid}'])
    ).trim();
    const oldToken = await mint('shop', 'reader', OLDEST_KUBECTL);
    const token = await mint('shop', 'reader');
    const reader = await kubectlAs(token, NEWEST_KUBECTL);
    expect(await ok(reader, ['auth', 'whoami', '-o', 'json'])).toBeTruthy();
    const whoami = JSON.parse(await ok(reader, ['auth', 'whoami', '-o', 'json'])) as { status: unknown };
    expect(whoami.status).toEqual({
      userInfo: {
        username: 'system:serviceaccount:shop:reader',
        uid,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'],
      },
    });

    const review = JSON.parse(
      await ok(
        admin,
        ['create', '--validate=false', '-f', '-', '-o', 'json'],
        JSON.stringify({
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token: oldToken },
        }),
      ),
    ) as { status: { authenticated: boolean; user: { username: string } } };
    expect(review.status.authenticated).toBe(true);
    expect(review.status.user.username).toBe('system:serviceaccount:shop:reader');

    const tooShort = await newest.run(['create', 'token', 'reader', '-n', 'shop', '--duration=5m']);
    expect(tooShort.stderr).toContain(
      'TokenRequest.authentication.k8s.io "reader" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes',
    );
    const missing = await newest.run(['create', 'token', 'nobody', '-n', 'shop']);
    expect(missing.stderr).toContain('serviceaccounts "nobody" not found');

    await ok(admin, ['delete', 'serviceaccount', 'reader', '-n', 'shop']);
    expect((await raw('/api/v1/namespaces/shop/pods', { headers: bearer(token) })).code).toBe(401);
  });
});

describe('authorization', () => {
  let token: string;
  beforeAll(async () => {
    await ok(admin, ['create', 'serviceaccount', 'ops', '-n', 'shop']);
    token = await mint('shop', 'ops');
  });

  it('73: refusals are the real 403 Status bodies: namespaced, cluster-scoped, subresource, non-resource path', async () => {
    const user = 'system:serviceaccount:shop:ops';
    const list = await raw('/api/v1/namespaces/shop/pods', { headers: bearer(token) });
    expect(list).toEqual({
      code: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" in the namespace "shop"`,
        reason: 'Forbidden',
        details: { kind: 'pods' },
        code: 403,
      },
    });
    const node = await raw('/api/v1/nodes/worker-1', { headers: bearer(token) });
    expect(node.body).toMatchObject({
      message: `nodes "worker-1" is forbidden: User "${user}" cannot get resource "nodes" in API group "" at the cluster scope`,
      details: { name: 'worker-1', kind: 'nodes' },
    });
    const deployment = await raw('/apis/apps/v1/namespaces/shop/deployments/web', {
      method: 'DELETE',
      headers: bearer(token),
    });
    expect(deployment.body).toMatchObject({
      message: `deployments.apps "web" is forbidden: User "${user}" cannot delete resource "deployments" in API group "apps" in the namespace "shop"`,
      details: { name: 'web', group: 'apps', kind: 'deployments' },
    });
    const eviction = await raw('/api/v1/namespaces/shop/pods/anything/eviction', {
      method: 'POST',
      headers: { ...bearer(token), 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(eviction.body).toMatchObject({
      code: 403,
      message: `pods "anything" is forbidden: User "${user}" cannot create resource "pods/eviction" in API group "" in the namespace "shop"`,
    });
    const path = await raw('/_sim/faults', { headers: bearer(token) });
    expect(path).toEqual({
      code: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `forbidden: User "${user}" cannot get path "/_sim/faults"`,
        reason: 'Forbidden',
        details: {},
        code: 403,
      },
    });
    for (const minor of KUBECTL_EDGES) {
      const ops = await kubectlAs(token, minor);
      const get = await ops.run(['get', 'secrets', '-n', 'shop']);
      expect(get.stderr).toContain(
        `Error from server (Forbidden): secrets is forbidden: User "${user}" cannot list resource "secrets" in API group "" in the namespace "shop"`,
      );
      // Discovery and the self reviews are every authenticated user's (system:discovery, system:basic-user).
      expect((await ops.run(['api-resources', '--api-group=policy'])).exitCode).toBe(0);
    }
  });

  it('74: Roles, ClusterRoles and bindings decide: namespace scope, resourceNames, subresources, nonResourceURLs, a missing role (can-i, 1.27 and 1.33)', async () => {
    await ok(
      admin,
      ['apply', '--validate=false', '-f', '-'],
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: shop }
rules:
  - { apiGroups: [""], resources: [pods, pods/log], verbs: [get, list, watch] }
  - { apiGroups: [""], resources: [configmaps], resourceNames: [settings], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ops-pod-reader, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects: [{ kind: ServiceAccount, name: ops, namespace: shop }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: status-and-metrics }
rules:
  - { apiGroups: [apps], resources: ["*/scale"], verbs: [get] }
  - { nonResourceURLs: ["/metrics", "/logs/*"], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-status }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: status-and-metrics }
subjects: [{ kind: Group, name: "system:serviceaccounts:shop", apiGroup: rbac.authorization.k8s.io }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-missing }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: not-there }
subjects: [{ kind: User, name: "system:serviceaccount:shop:ops", apiGroup: rbac.authorization.k8s.io }]
`,
    );
    const cases: Array<[string[], string]> = [
      [['list', 'pods', '-n', 'shop'], 'yes'],
      [['list', 'pods', '-n', 'monitoring'], 'no'],
      [['get', 'pods', '--subresource=log', '-n', 'shop'], 'yes'],
      [['delete', 'pods', '-n', 'shop'], 'no'],
      [['get', 'configmaps/settings', '-n', 'shop'], 'yes'],
      [['get', 'configmaps/other', '-n', 'shop'], 'no'],
      [['get', 'deployments.apps', '--subresource=scale', '-n', 'shop'], 'yes'],
      [['get', 'deployments.apps', '-n', 'shop'], 'no'],
      [['get', '/metrics'], 'yes'],
      [['get', '/logs/kube-apiserver.log'], 'yes'],
      [['get', '/debug/pprof'], 'no'],
    ];
    for (const minor of KUBECTL_EDGES) {
      const ops = await kubectlAs(token, minor);
      for (const [args, answer] of cases) {
        const result = await ops.run(['auth', 'can-i', ...args]);
        // A refusal carries RBAC's reason (the binding to a missing role) after ` - `.
        const said = result.stdout.trim().split(' - ')[0];
        expect(`${minor} can-i ${args.join(' ')}: ${said}`).toBe(
          `${minor} can-i ${args.join(' ')}: ${answer}`,
        );
      }
      // The pods are readable for real, too.
      expect(await ok(ops, ['get', 'pods', '-n', 'shop', '-o', 'name'])).toContain('pod/web-');
    }
    // A binding whose role is missing is RBAC's reason for the refusal.
    const refused = await raw('/api/v1/namespaces/monitoring/pods', { headers: bearer(token) });
    expect((refused.body as { message: string }).message).toBe(
      'pods is forbidden: User "system:serviceaccount:shop:ops" cannot list resource "pods" in API group "" in the namespace "monitoring": RBAC: clusterrole.rbac.authorization.k8s.io "not-there" not found',
    );
  });

  it('75: SelfSubjectRulesReview (can-i --list) and SubjectAccessReview answer for the rules in force', async () => {
    const ops = await kubectlAs(token, NEWEST_KUBECTL);
    const list = await ok(ops, ['auth', 'can-i', '--list', '-n', 'shop']);
    expect(list).toMatch(/^pods\/log\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(list).toMatch(/^configmaps\s+\[\]\s+\[settings\]\s+\[get\]$/m);
    expect(list).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    const elsewhere = await ok(ops, ['auth', 'can-i', '--list', '-n', 'monitoring']);
    expect(elsewhere).not.toMatch(/^pods\s/m);

    const review = async (spec: unknown) =>
      (
        JSON.parse(
          await ok(
            admin,
            ['create', '--validate=false', '-f', '-', '-o', 'json'],
            JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec }),
          ),
        ) as { status: { allowed: boolean } }
      ).status.allowed;
    const resourceAttributes = { namespace: 'shop', verb: 'list', resource: 'pods' };
    expect(await review({ user: 'system:serviceaccount:shop:ops', resourceAttributes })).toBe(true);
    expect(await review({ user: 'someone', resourceAttributes })).toBe(false);
    expect(await review({ user: 'someone', groups: ['system:masters'], resourceAttributes })).toBe(true);
    // kubectl --as goes through SelfSubjectAccessReview as the admin; the SubjectAccessReview is the way to ask.
    const client = rig.kubeConfig.makeApiClient(CoreV1Api);
    expect((await client.listNamespacedPod({ namespace: 'shop' })).items.length).toBeGreaterThan(0);
  });

  it('77: /_sim/ admin routes take the kubeconfig admin identity only', async () => {
    const config = YAML.parse(rig.sim.kubeconfig()) as {
      users: Array<{ user: { 'client-certificate-data': string; 'client-key-data': string } }>;
      clusters: Array<{ cluster: { 'certificate-authority-data': string } }>;
    };
    const user = config.users[0]?.user;
    const decode = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString();
    const agent = new Agent({
      ca: decode(config.clusters[0]?.cluster['certificate-authority-data']),
      cert: decode(user?.['client-certificate-data']),
      key: decode(user?.['client-key-data']),
    });
    const code = await new Promise<number>((resolve, reject) => {
      httpsRequest(new URL('/_sim/faults', rig.sim.url), { agent }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(code).toBe(200);
    expect((await raw('/_sim/faults')).code).toBe(401);
    expect((await raw('/_sim/faults', { headers: bearer(token) })).code).toBe(403);
  });
});

describe("bosun's least-privilege ClusterRole (deploy/rbac.yaml)", () => {
  it('76: bosun drains a node with only that identity, and is refused what the role does not grant', async () => {
    const manifest = readFileSync(new URL('../../../deploy/rbac.yaml', import.meta.url), 'utf8');
    await ok(admin, ['apply', '--validate=false', '-f', '-'], manifest);
    const token = await mint('bosun-system', 'bosun');
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kubeconfigWith({ token }));
    const state = await drainNodes(
      kubeDrainPorts(kubeConfig, 'least-privilege', systemClock),
      {
        nodes: ['worker-1'],
        ignoreDaemonSets: true,
        force: false,
        deleteEmptyDirData: true,
        timeoutSeconds: 60,
      },
      { signal: new AbortController().signal },
    );
    const drained = state.nodes[0];
    expect(drained?.errors ?? []).toEqual([]);
    expect((drained?.pods ?? []).filter((pod) => pod.state !== 'evicted' && pod.state !== 'gone')).toEqual(
      [],
    );
    expect((await rig.core.readNode({ name: 'worker-1' })).spec?.unschedulable).toBe(true);
    const left = await rig.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=worker-1' });
    expect(left.items.every((pod) => pod.metadata?.ownerReferences?.[0]?.kind === 'DaemonSet')).toBe(true);

    const bosun = await kubectlAs(token, OLDEST_KUBECTL);
    for (const [args, answer] of [
      [['create', 'pods', '--subresource=eviction', '-n', 'shop'], 'yes'],
      [['patch', 'nodes'], 'yes'],
      [['create', 'leases.coordination.k8s.io', '-n', 'kube-system'], 'yes'],
      [['create', 'leases.coordination.k8s.io', '-n', 'shop'], 'no'],
      [['delete', 'secrets', '-n', 'shop'], 'no'],
      [['list', 'secrets', '-n', 'shop'], 'yes'],
      [['delete', 'nodes'], 'no'],
      [['update', 'deployments.apps', '-n', 'shop'], 'no'],
    ] as Array<[string[], string]>) {
      expect(`${args.join(' ')}: ${(await bosun.run(['auth', 'can-i', ...args])).stdout.trim()}`).toBe(
        `${args.join(' ')}: ${answer}`,
      );
    }
    // Backups read everything (the bosun-backup ClusterRole); nothing lets bosun delete a Secret.
    await rig.core.createNamespacedSecret({
      namespace: 'shop',
      body: { metadata: { name: 'kept' }, data: {} },
    });
    const refused = await bosun.run(['delete', 'secret', 'kept', '-n', 'shop']);
    expect(refused.stderr).toContain(
      'secrets "kept" is forbidden: User "system:serviceaccount:bosun-system:bosun" cannot delete resource "secrets" in API group "" in the namespace "shop"',
    );
    await rig.core.readNamespacedSecret({ name: 'kept', namespace: 'shop' });
  }, 90_000);
});

/** A python3 that can `import kubernetes` (Debian's python3-kubernetes), or undefined. */
async function pythonWithKubernetes(): Promise<string | undefined> {
  // Debian's own interpreter last: a pyenv or venv python3 earlier on PATH does not see Debian's packages.
  for (const python of ['python3', 'python3.13', 'python3.12', 'python3.11', '/usr/bin/python3']) {
    const probe = await execa(python, ['-c', 'import kubernetes'], { reject: false }).catch(() => undefined);
    if (probe === undefined) continue;
    if (probe.exitCode === 0) return python;
  }
  return undefined;
}

const PYTHON_CLIENT = `
import json, sys
from kubernetes import client, config
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
core = client.CoreV1Api()
out = {"pods": sorted(p.metadata.name.split("-")[0] for p in core.list_namespaced_pod("shop").items)}
token = core.create_namespaced_service_account_token(
    "py", "shop", client.AuthenticationV1TokenRequest(spec=client.V1TokenRequestSpec(audiences=[]))
).status.token
review = client.AuthorizationV1Api().create_self_subject_access_review(
    client.V1SelfSubjectAccessReview(spec=client.V1SelfSubjectAccessReviewSpec(
        resource_attributes=client.V1ResourceAttributes(verb="delete", resource="secrets", namespace="shop"))))
out["adminMayDeleteSecrets"] = review.status.allowed
cfg = client.Configuration.get_default_copy()
cfg.api_key = {"authorization": "Bearer " + token}
cfg.cert_file = None
cfg.key_file = None
sa = client.CoreV1Api(client.ApiClient(cfg))
try:
    sa.list_namespaced_secret("shop")
    out["saListSecrets"] = "allowed"
except ApiException as error:
    out["saListSecrets"] = {"status": error.status, "message": json.loads(error.body)["message"]}
who = client.AuthenticationV1Api().create_token_review(client.V1TokenReview(spec=client.V1TokenReviewSpec(token=token)))
out["saUser"] = who.status.user.username
print(json.dumps(out))
`;

describe('the official Python client', () => {
  it('78: python3-kubernetes lists, mints a token (TokenRequest, TokenReview), reviews access and gets the real 403 on bosun sim --https', async () => {
    const python = await pythonWithKubernetes();
    if (!python) {
      console.warn('78 skipped: no python3 can `import kubernetes` (apt-get install python3-kubernetes)');
      return;
    }
    await ok(admin, ['create', 'serviceaccount', 'py', '-n', 'shop']);
    const kubectl = await Kubectl.forKubeconfig(rig.sim.kubeconfig());
    owned.push(kubectl);
    const script = await kubectl.writeFile('client.py', PYTHON_CLIENT);
    const run = await execa(python, [script, kubectl.kubeconfigPath], { reject: false, timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      pods: ['api', 'api', 'orders', 'orders', 'web', 'web', 'web'],
      adminMayDeleteSecrets: true,
      saListSecrets: {
        status: 403,
        message:
          'secrets is forbidden: User "system:serviceaccount:shop:py" cannot list resource "secrets" in API group "" in the namespace "shop"',
      },
      saUser: 'system:serviceaccount:shop:py',
    });
  }, 90_000);
});
