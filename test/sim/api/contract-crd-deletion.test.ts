import { ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { KUBECTL_EDGES } from '../../support/kubectl.js';
import { eventually, gone, type SimRig, startSimRig } from '../../support/sim.js';

let rig: SimRig;
let extensions: ApiextensionsV1Api;
let custom: CustomObjectsApi;
beforeAll(async () => {
  rig = await startSimRig({ scenario: { name: 'crd-deletion', nodes: [{ role: 'worker', count: 1 }] } });
  extensions = rig.kubeConfig.makeApiClient(ApiextensionsV1Api);
  custom = rig.kubeConfig.makeApiClient(CustomObjectsApi);
});
afterAll(async () => {
  await rig?.stop();
});

function crd(plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.bosun.dev` },
    spec: {
      group: 'bosun.dev',
      scope: 'Namespaced',
      names: { plural, singular: plural.slice(0, -1), kind: plural[0]?.toUpperCase() + plural.slice(1, -1) },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}

describe('CRD deletion', () => {
  it.each(KUBECTL_EDGES)(
    '82: kubectl %s: a deleted CRD stays Terminating until its custom objects are gone, then goes',
    async (minor) => {
      const kubectl = await rig.kubectl(minor);
      const plural = `snaps${minor.replace('.', '')}s`;
      const name = `${plural}.bosun.dev`;
      await extensions.createCustomResourceDefinition({ body: crd(plural) });
      const kind = plural[0]?.toUpperCase() + plural.slice(1, -1);
      await custom.createNamespacedCustomObject({
        group: 'bosun.dev',
        version: 'v1',
        namespace: 'default',
        plural,
        body: {
          apiVersion: 'bosun.dev/v1',
          kind,
          metadata: { name: 'held', finalizers: ['bosun.dev/hold'] },
        },
      });

      const deleted = await kubectl.run(['delete', 'crd', name, '--wait=false']);
      expect(deleted.exitCode).toBe(0);
      expect(deleted.stdout.trim()).toBe(`customresourcedefinition.apiextensions.k8s.io "${name}" deleted`);

      const terminating = await eventually('the CRD to wait on its objects', async () => {
        const current = await extensions.readCustomResourceDefinition({ name });
        const condition = current.status?.conditions?.find((c) => c.type === 'Terminating');
        return condition?.reason === 'InstanceDeletionCheck' ? current : undefined;
      });
      expect(terminating.metadata?.deletionTimestamp).toBeDefined();
      expect(terminating.metadata?.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
      expect(terminating.status?.conditions?.find((c) => c.type === 'Terminating')?.status).toBe('True');

      // The object is being deleted, still served, and nothing new may be created.
      const listed = await kubectl.run([
        'get',
        plural,
        '-o',
        'jsonpath={.items[*].metadata.deletionTimestamp}',
      ]);
      expect(listed.exitCode).toBe(0);
      expect(listed.stdout).not.toBe('');
      await expect(
        custom.createNamespacedCustomObject({
          group: 'bosun.dev',
          version: 'v1',
          namespace: 'default',
          plural,
          body: { apiVersion: 'bosun.dev/v1', kind, metadata: { name: 'late' } },
        }),
      ).rejects.toMatchObject({ code: 405 });

      const released = await kubectl.run([
        'patch',
        plural,
        'held',
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]);
      expect(released.exitCode).toBe(0);
      await eventually(
        'the CRD to go',
        () => gone(() => extensions.readCustomResourceDefinition({ name })),
        15_000,
      );
      const after = await kubectl.run(['get', 'crd', name]);
      expect(after.exitCode).toBe(1);
      expect(after.stderr.trim()).toBe(
        `Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io "${name}" not found`,
      );
    },
  );
});
