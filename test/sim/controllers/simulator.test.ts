import { X509Certificate } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { type Simulator, startSimulator } from '../../../src/sim/index.js';
import { eventually } from '../../support/sim.js';

describe('startSimulator', () => {
  let sim: Simulator | undefined;

  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('serves HTTPS with a kubeconfig that carries the CA and the admin client certificate', async () => {
    sim = await startSimulator({ scenario: 'small', timeScale: 0.01, https: true });
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const config = new KubeConfig();
    config.loadFromString(sim.kubeconfig());
    expect(config.getCurrentCluster()?.caData).toBeTruthy();
    const user = config.getCurrentUser();
    expect(user?.token).toBeUndefined();
    expect(new X509Certificate(Buffer.from(user?.certData ?? '', 'base64')).subject).toBe(
      'O=system:masters\nCN=kubernetes-admin',
    );
    expect(user?.keyData).toBeTruthy();
    const nodes = await config.makeApiClient(CoreV1Api).listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual([
      'control-plane-1',
      'worker-1',
      'worker-2',
      'worker-3',
    ]);
  });

  it('stops and restarts a kubelet through the /_sim/nodes admin route', async () => {
    sim = await startSimulator({ scenario: 'small', timeScale: 0.01 });
    await sim.settled({ timeoutMs: 10_000 });
    const url = sim.url;
    const post = (ready: unknown) =>
      fetch(`${url}/_sim/nodes/worker-1/ready`, { method: 'POST', body: JSON.stringify({ ready }) });
    expect((await post('maybe')).status).toBe(400);
    expect((await post(false)).status).toBe(200);
    const listed = (await (await fetch(`${url}/_sim/nodes`)).json()) as Array<{
      name: string;
      ready: string;
      kubeletRunning: boolean;
    }>;
    expect(listed.find((n) => n.name === 'worker-1')).toMatchObject({
      ready: 'Unknown',
      kubeletRunning: false,
    });
    expect((await post(true)).status).toBe(200);
    await sim.settled({ timeoutMs: 10_000 });
    expect(
      (await fetch(`${url}/_sim/nodes/nope/ready`, { method: 'POST', body: '{"ready":false}' })).status,
    ).toBe(404);
  });

  it('says what keeps the cluster from settling', async () => {
    sim = await startSimulator({
      scenario: {
        name: 'stuck',
        nodes: [{ role: 'worker', capacity: { cpu: '1' } }],
        workloads: [{ kind: 'Pod', name: 'greedy', requests: { cpu: '2' } }],
      },
      timeScale: 0.01,
    });
    await expect(sim.settled({ timeoutMs: 300 })).rejects.toThrow(
      /did not settle within 300 ms:\n {2}pod default\/greedy is Pending \(0\/1 nodes are available: 1 Insufficient cpu\./,
    );
  });

  it('starts a node the scenario marks ready: false with its kubelet stopped', async () => {
    sim = await startSimulator({
      scenario: { name: 'down', nodes: [{ role: 'worker' }, { role: 'worker', ready: false }] },
      timeScale: 0.01,
    });
    const current = sim;
    const taints = await eventually('worker-2 to be tainted unreachable', async () => {
      const node = await current.registry.get({ group: '', resource: 'nodes' }, undefined, 'worker-2');
      return node.spec?.taints?.length ? node.spec.taints.map((t: { key: string }) => t.key) : undefined;
    });
    expect(taints).toContain('node.kubernetes.io/unreachable');
    await current.nodes.setReady('worker-2', true);
    await current.settled({ timeoutMs: 5000 });
  });

  it('removes the pods of a deleted node', async () => {
    sim = await startSimulator({ scenario: 'small', timeScale: 0.01 });
    await sim.settled({ timeoutMs: 10_000 });
    const current = sim;
    await current.registry.delete({ group: '', resource: 'nodes' }, undefined, 'worker-2');
    await eventually('no pods on worker-2', async () => {
      const { items } = await current.registry.list(
        { group: '', resource: 'pods' },
        { fieldSelector: 'spec.nodeName=worker-2' },
      );
      return items.length === 0 ? true : undefined;
    });
    await current.settled({ timeoutMs: 10_000 });
  });
});
