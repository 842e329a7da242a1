import {
  type BackupFile,
  objectKey,
  planRestore,
  RESTORE_LABEL,
  type RestoreFilters,
  type RestoreItem,
  type TargetState,
} from '../../src/backup/restore-plan.js';
import type { KubeObject, ServedResource } from '../../src/ports/cluster-resources.js';

const obj = (
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  extra: object = {},
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...extra,
});
const owned = (kind: string, name: string) => ({
  ownerReferences: [{ kind, name, controller: true, uid: 'u1' }],
});

/** A backup of namespace `shop` plus a few cluster-scoped objects, as run-backup writes it. */
const FILES: BackupFile[] = [
  { path: '_cluster/namespaces/shop.yaml', object: obj('v1', 'Namespace', 'shop') },
  {
    path: '_cluster/customresourcedefinitions.apiextensions.k8s.io/widgets.example.com.yaml',
    object: obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
  },
  {
    path: '_cluster/customresourcedefinitions.apiextensions.k8s.io/gadgets.example.com.yaml',
    object: obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'gadgets.example.com'),
  },
  {
    path: '_cluster/clusterroles.rbac.authorization.k8s.io/reader.yaml',
    object: obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
  },
  { path: '_cluster/nodes/worker-1.yaml', object: obj('v1', 'Node', 'worker-1') },
  { path: 'shop/widgets.example.com/blue.yaml', object: obj('example.com/v1', 'Widget', 'blue', 'shop') },
  {
    path: 'shop/services/front.yaml',
    object: obj('v1', 'Service', 'front', 'shop', { spec: { selector: { app: 'web' } } }),
  },
  {
    path: 'shop/services/external-db.yaml',
    object: obj('v1', 'Service', 'external-db', 'shop', { spec: {} }),
  },
  { path: 'shop/endpoints/front.yaml', object: obj('v1', 'Endpoints', 'front', 'shop') },
  { path: 'shop/endpoints/external-db.yaml', object: obj('v1', 'Endpoints', 'external-db', 'shop') },
  { path: 'shop/deployments.apps/web.yaml', object: obj('apps/v1', 'Deployment', 'web', 'shop') },
  {
    path: 'shop/replicasets.apps/web-7d4f.yaml',
    object: {
      ...obj('apps/v1', 'ReplicaSet', 'web-7d4f', 'shop'),
      metadata: { name: 'web-7d4f', namespace: 'shop', ...owned('Deployment', 'web') },
    },
  },
  {
    path: 'shop/pods/web-7d4f-x1.yaml',
    object: {
      ...obj('v1', 'Pod', 'web-7d4f-x1', 'shop'),
      metadata: { name: 'web-7d4f-x1', namespace: 'shop', ...owned('ReplicaSet', 'web-7d4f') },
    },
  },
  { path: 'shop/events/web.17a.yaml', object: obj('v1', 'Event', 'web.17a', 'shop') },
  {
    path: 'shop/pods/debug.yaml',
    object: obj('v1', 'Pod', 'debug', 'shop', {
      spec: { priorityClassName: 'low', priority: 100, containers: [{ name: 'sh', image: 'busybox' }] },
    }),
  },
  {
    path: 'shop/configmaps/kube-root-ca.crt.yaml',
    object: obj('v1', 'ConfigMap', 'kube-root-ca.crt', 'shop'),
  },
  {
    path: 'shop/configmaps/settings.yaml',
    object: {
      ...obj('v1', 'ConfigMap', 'settings', 'shop', { data: { currency: 'EUR' } }),
      metadata: {
        name: 'settings',
        namespace: 'shop',
        labels: { app: 'web' },
        ownerReferences: [{ kind: 'Widget', name: 'blue', uid: 'u2' }],
      },
    },
  },
  {
    path: 'shop/secrets/db.yaml',
    object: obj('v1', 'Secret', 'db', 'shop', { data: { password: 'czNjcmV0' } }),
  },
  { path: 'shop/serviceaccounts/default.yaml', object: obj('v1', 'ServiceAccount', 'default', 'shop') },
  { path: 'shop/serviceaccounts/web.yaml', object: obj('v1', 'ServiceAccount', 'web', 'shop') },
  {
    path: 'shop/rolebindings.rbac.authorization.k8s.io/web-reads.yaml',
    object: obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'web-reads', 'shop', {
      subjects: [
        { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' },
      ],
      roleRef: { kind: 'ClusterRole', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' },
    }),
  },
  { path: 'billing/configmaps/rates.yaml', object: obj('v1', 'ConfigMap', 'rates', 'billing') },
];

const served = (key: string): ServedResource => {
  const dot = key.indexOf('.');
  return {
    group: dot < 0 ? '' : key.slice(dot + 1),
    version: 'v1',
    resource: dot < 0 ? key : key.slice(0, dot),
    kind: key,
    namespaced: true,
    verbs: ['list', 'get', 'create', 'delete'],
  };
};
const SERVED = [
  'customresourcedefinitions.apiextensions.k8s.io',
  'deployments.apps',
  'replicasets.apps',
  'rolebindings.rbac.authorization.k8s.io',
  'clusterroles.rbac.authorization.k8s.io',
].map(served);

const empty: TargetState = { served: SERVED, existing: new Map() };
const filters = (over: Partial<RestoreFilters> = {}): RestoreFilters => ({
  namespaces: [],
  kinds: [],
  overwrite: false,
  ...over,
});
const line = (i: RestoreItem) =>
  `${i.action} ${i.key} ${i.namespace ? `${i.namespace}/` : ''}${i.name}${i.skip ? ` (${i.skip.reason})` : ''}`;

describe('planning a restore', () => {
  it('writes in dependency order and skips what the cluster or a controller makes again, saying why', () => {
    const plan = planRestore(FILES, filters({ namespaces: ['shop'] }), empty, 'r-1');
    expect(plan.items.map(line)).toEqual([
      'create customresourcedefinitions.apiextensions.k8s.io widgets.example.com',
      'create namespaces shop',
      'skip serviceaccounts shop/default (the cluster makes it in every namespace)',
      'create serviceaccounts shop/web',
      'create rolebindings.rbac.authorization.k8s.io shop/web-reads',
      'create secrets shop/db',
      'skip configmaps shop/kube-root-ca.crt (the cluster makes it in every namespace)',
      'create configmaps shop/settings',
      'create pods shop/debug',
      'skip pods shop/web-7d4f-x1 (owned by ReplicaSet web-7d4f, which makes it again)',
      'skip replicasets.apps shop/web-7d4f (owned by Deployment web, which makes it again)',
      'create endpoints shop/external-db',
      "skip endpoints shop/front (filled in from its Service's selector)",
      'create services shop/external-db',
      'create services shop/front',
      'create deployments.apps shop/web',
      'skip events shop/web.17a (belongs to the cluster that made it)',
      'create widgets.example.com shop/blue',
    ]);
  });

  it('keeps a restore of one namespace to it: no other namespace, no other cluster-scoped object', () => {
    const keys = planRestore(FILES, filters({ namespaces: ['shop'] }), empty, 'r-1').items.map(
      (i) => `${i.namespace ?? '_cluster'}/${i.key}/${i.name}`,
    );
    expect(keys).not.toContain('billing/configmaps/rates');
    expect(keys).not.toContain('_cluster/clusterroles.rbac.authorization.k8s.io/reader');
    expect(keys).not.toContain('_cluster/nodes/worker-1');
    // Only the definition its custom objects need.
    expect(keys).toContain('_cluster/customresourcedefinitions.apiextensions.k8s.io/widgets.example.com');
    expect(keys).not.toContain('_cluster/customresourcedefinitions.apiextensions.k8s.io/gadgets.example.com');
  });

  it('drops ownerReferences and labels what it writes with the restore', () => {
    const plan = planRestore(FILES, filters(), empty, 'r-1');
    const settings = plan.items.find((i) => i.name === 'settings');
    expect(settings?.object?.metadata?.ownerReferences).toBeUndefined();
    expect(settings?.object?.metadata?.labels).toEqual({ app: 'web', [RESTORE_LABEL]: 'r-1' });
    expect(settings?.object?.data).toEqual({ currency: 'EUR' });
    // The files themselves keep them.
    expect(
      FILES.find((f) => f.path === 'shop/configmaps/settings.yaml')?.object.metadata?.ownerReferences,
    ).toHaveLength(1);
  });

  it("leaves a pod's priority to the API server, which sets it from its priorityClassName", () => {
    const debug = planRestore(FILES, filters(), empty, 'r-1').items.find((i) => i.name === 'debug');
    expect(debug?.object?.spec).toEqual({
      priorityClassName: 'low',
      containers: [{ name: 'sh', image: 'busybox' }],
    });
  });

  it('skips what exists unless --overwrite, which replaces it', () => {
    const existing = new Map([
      [objectKey('configmaps', 'shop', 'settings'), {}],
      [objectKey('namespaces', undefined, 'shop'), {}],
    ]);
    const keep = planRestore(FILES, filters({ namespaces: ['shop'] }), { served: SERVED, existing }, 'r-1');
    expect(keep.items.filter((i) => i.name === 'settings').map(line)).toEqual([
      'skip configmaps shop/settings (exists already (--overwrite replaces it))',
    ]);
    const over = planRestore(
      FILES,
      filters({ namespaces: ['shop'], overwrite: true }),
      { served: SERVED, existing },
      'r-1',
    );
    expect(over.items.filter((i) => i.name === 'settings').map(line)).toEqual([
      'replace configmaps shop/settings',
    ]);
    expect(over.items.filter((i) => i.name === 'db').map(line)).toEqual(['create secrets shop/db']);
  });

  it('restores into another namespace with --to-namespace: objects, the namespace and RoleBinding subjects move', () => {
    const plan = planRestore(
      FILES,
      filters({ namespaces: ['shop'], toNamespace: 'shop-copy' }),
      empty,
      'r-1',
    );
    const written = plan.items.filter((i) => i.action === 'create');
    expect(written.filter((i) => i.resource.namespaced).every((i) => i.namespace === 'shop-copy')).toBe(true);
    expect(written.every((i) => i.object?.metadata?.namespace !== 'shop')).toBe(true);
    expect(written.find((i) => i.key === 'namespaces')?.name).toBe('shop-copy');
    const binding = written.find((i) => i.name === 'web-reads');
    expect(binding?.object?.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'web', namespace: 'shop-copy' },
      { kind: 'ServiceAccount', name: 'ci', namespace: 'tools' },
    ]);
  });

  it('makes a missing namespace when the backup has no Namespace object, and leaves an existing one as it is', () => {
    const files = FILES.filter((f) => !f.path.startsWith('_cluster/namespaces'));
    const made = planRestore(files, filters({ kinds: ['ConfigMap'] }), empty, 'r-1');
    expect(made.items.map(line)).toEqual([
      'create namespaces billing',
      'create namespaces shop',
      'create configmaps billing/rates',
      'skip configmaps shop/kube-root-ca.crt (the cluster makes it in every namespace)',
      'create configmaps shop/settings',
    ]);
    const existing = new Map([[objectKey('namespaces', undefined, 'shop'), {}]]);
    const kept = planRestore(
      files,
      filters({ kinds: ['configmaps'], overwrite: true }),
      { served: SERVED, existing },
      'r-1',
    );
    expect(kept.items.filter((i) => i.key === 'namespaces').map(line)).toContain(
      'skip namespaces shop (exists already)',
    );
  });

  it('skips a custom kind the cluster does not serve when the restore brings no definition of it', () => {
    const files = FILES.filter((f) => !f.path.includes('customresourcedefinitions'));
    const plan = planRestore(files, filters({ namespaces: ['shop'] }), empty, 'r-1');
    expect(plan.items.filter((i) => i.name === 'blue').map(line)).toEqual([
      'skip widgets.example.com shop/blue (the cluster does not serve widgets.example.com and the restore brings no definition of it)',
    ]);
  });

  it('counts what this restore wrote before its worker died as done, and writes it not again', () => {
    const existing = new Map([
      [objectKey('configmaps', 'shop', 'settings'), { restoredBy: 'r-1', restoredAs: 'created' }],
      [objectKey('secrets', 'shop', 'db'), { restoredBy: 'r-0', restoredAs: 'created' }],
    ]);
    const plan = planRestore(FILES, filters({ namespaces: ['shop'] }), { served: SERVED, existing }, 'r-1');
    expect(plan.items.find((i) => i.name === 'settings')).toMatchObject({
      action: 'create',
      done: 'created',
    });
    // Another restore's object is like any other that exists.
    expect(plan.items.find((i) => i.name === 'db')?.action).toBe('skip');
  });
});
