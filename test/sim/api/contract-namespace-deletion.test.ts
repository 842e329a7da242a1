import { KUBECTL_EDGES } from '../../support/kubectl.js';
import { eventually, gone, type SimRig, startSimRig } from '../../support/sim.js';

// A 5 s content-deletion delay plays as 500 ms here: the file's objects are still there when kubectl
// deletes them one after the other, as on a real cluster.
let rig: SimRig;
beforeAll(async () => {
  rig = await startSimRig({
    scenario: { name: 'ns-deletion', nodes: [{ role: 'control-plane' }, { role: 'worker', count: 1 }] },
    timeScale: 0.1,
  });
});
afterAll(async () => {
  await rig?.stop();
});

function manifest(namespace: string): string {
  return [
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}`,
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${namespace}\ndata:\n  a: "1"`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: ${namespace}\nspec:\n  ports:\n  - port: 80`,
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: token\n  namespace: ${namespace}\nstringData:\n  t: x`,
  ].join('\n---\n');
}

describe('namespace deletion at a real pace', () => {
  it.each(KUBECTL_EDGES)(
    '80: kubectl %s delete -f of a namespace file deletes the namespace and each object in it, exit 0',
    async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const namespace = `team-${minor.replace('.', '-')}`;
      const file = await kubectl.writeFile(`${namespace}.yaml`, manifest(namespace));
      // kubectl 1.27 validates against OpenAPI v2, which the simulator does not serve; creating is not what
      // this test is about.
      const created = await kubectl.run(['create', '--validate=false', '-f', file]);
      expect(created.stderr).toBe('');
      expect(created.exitCode).toBe(0);
      const deleted = await kubectl.run(['delete', '-f', file], { timeoutMs: 60_000 });
      expect(deleted.stderr).toBe('');
      expect(deleted.exitCode).toBe(0);
      expect(deleted.stdout.trim().split('\n')).toEqual([
        `namespace "${namespace}" deleted`,
        'configmap "settings" deleted',
        'service "web" deleted',
        'secret "token" deleted',
      ]);
      // kubectl waited for everything, the namespace included.
      expect(await gone(() => rig.core.readNamespace({ name: namespace }))).toBe(true);
    },
  );

  it('81: a Terminating namespace keeps its content for a moment, then shows the deletion conditions and goes', async () => {
    const name = 'slow-going';
    await rig.core.createNamespace({ body: { metadata: { name } } });
    await rig.core.createNamespacedConfigMap({
      namespace: name,
      body: { metadata: { name: 'held', finalizers: ['example.com/hold'] }, data: {} },
    });
    await rig.core.deleteNamespace({ name });
    const terminating = await rig.core.readNamespace({ name });
    expect(terminating.status?.phase).toBe('Terminating');
    expect(terminating.spec?.finalizers).toEqual(['kubernetes']);
    // The content is still there and not yet being deleted.
    const held = await rig.core.readNamespacedConfigMap({ name: 'held', namespace: name });
    expect(held.metadata?.deletionTimestamp).toBeUndefined();
    // Creating into it is refused.
    await expect(
      rig.core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'late' } } }),
    ).rejects.toMatchObject({ code: 403 });

    const waiting = await eventually(
      'the finalizer condition',
      async () => {
        const ns = await rig.core.readNamespace({ name });
        const remaining = ns.status?.conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining');
        return remaining?.status === 'True' ? ns : undefined;
      },
      10_000,
    );
    const byType = Object.fromEntries(
      (waiting.status?.conditions ?? []).map((c) => [c.type, [c.status, c.reason, c.message]]),
    );
    expect(byType).toEqual({
      NamespaceDeletionDiscoveryFailure: [
        'False',
        'ResourcesDiscovered',
        'All resources successfully discovered',
      ],
      NamespaceDeletionGroupVersionParsingFailure: [
        'False',
        'ParsedGroupVersions',
        'All legacy kube types successfully parsed',
      ],
      NamespaceDeletionContentFailure: [
        'False',
        'ContentDeleted',
        'All content successfully deleted, may be waiting on finalization',
      ],
      NamespaceContentRemaining: [
        'True',
        'SomeResourcesRemain',
        'Some resources are remaining: configmaps has 1 resource instances',
      ],
      NamespaceFinalizersRemaining: [
        'True',
        'SomeFinalizersRemain',
        'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
      ],
    });
    const marked = await rig.core.readNamespacedConfigMap({ name: 'held', namespace: name });
    expect(marked.metadata?.deletionTimestamp).toBeDefined();

    await rig.core.patchNamespacedConfigMap({
      name: 'held',
      namespace: name,
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    await eventually('the namespace to go', () => gone(() => rig.core.readNamespace({ name })), 10_000);
  });
});
