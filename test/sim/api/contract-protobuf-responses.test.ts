import { NEWEST_KUBECTL } from '../../support/kubectl.js';
import { eventually, gone, type SimRig, startSimRig } from '../../support/sim.js';

/**
 * Protobuf responses with a live cluster (contract 95): kubectl 1.33's typed clients ask for protobuf first
 * (`rollout undo` reads the Deployment and its ReplicaSets that way), and apply, rollout undo and delete work.
 */

let rig: SimRig;
beforeAll(async () => {
  rig = await startSimRig({ scenario: 'small', timeScale: 0.01 });
  await rig.sim.settled({ timeoutMs: 30_000 });
}, 60_000);
afterAll(async () => {
  await rig?.stop();
});

const deployment = (image: string) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'proto-web', namespace: 'shop' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'proto-web' } },
      template: {
        metadata: { labels: { app: 'proto-web' } },
        spec: {
          containers: [{ name: 'web', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
        },
      },
    },
  });

const imageOf = async () =>
  (await rig.apps.readNamespacedDeployment({ name: 'proto-web', namespace: 'shop' })).spec?.template.spec
    ?.containers[0]?.image;

describe('protobuf responses (kubectl 1.33)', () => {
  it('95: kubectl apply, rollout undo and delete of a Deployment', async () => {
    const kubectl = await rig.kubectl(NEWEST_KUBECTL);
    const created = await kubectl.run(['apply', '-f', '-'], { input: deployment('nginx:1.27.2') });
    expect(created.stdout.trim()).toBe('deployment.apps/proto-web created');
    const status = await kubectl.run(
      ['rollout', 'status', 'deploy/proto-web', '-n', 'shop', '--timeout=20s'],
      {
        timeoutMs: 30_000,
      },
    );
    expect(status.stdout).toContain('successfully rolled out');
    const updated = await kubectl.run(['apply', '-f', '-'], { input: deployment('nginx:1.27.3') });
    expect(updated.stdout.trim()).toBe('deployment.apps/proto-web configured');
    await eventually('two ReplicaSets', async () => {
      const sets = await rig.apps.listNamespacedReplicaSet({
        namespace: 'shop',
        labelSelector: 'app=proto-web',
      });
      return sets.items.length === 2 ? true : undefined;
    });
    const history = await kubectl.run(['rollout', 'history', 'deploy/proto-web', '-n', 'shop']);
    expect(history.stderr).toBe('');
    expect(history.stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await kubectl.run(['rollout', 'undo', 'deploy/proto-web', '-n', 'shop']);
    expect(undo.stderr).toBe('');
    expect(undo.stdout.trim()).toBe('deployment.apps/proto-web rolled back');
    expect(await imageOf()).toBe('nginx:1.27.2');
    const deleted = await kubectl.run(['delete', 'deploy/proto-web', '-n', 'shop']);
    expect(deleted.stdout.trim()).toBe('deployment.apps "proto-web" deleted');
    await eventually('the deployment to go', () =>
      gone(() => rig.apps.readNamespacedDeployment({ name: 'proto-web', namespace: 'shop' })),
    );
  });
});
