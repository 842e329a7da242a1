import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

const EVICTION = /^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/eviction$/;

/**
 * The API server answers 500 to 70% of evictions for 15 s (an apiserver or etcd hiccup): bosun retries them
 * with backoff, as the table of API faults says, and the drain finishes with every pod evicted once.
 */
describe('a drain through API server faults', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({ scenario: e2eScenario('api-faults') });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('retries evictions answered 500 and finishes, evicting each pod once', async () => {
    const toEvict = await rig.toEvict('worker-1');
    expect(toEvict.filter((p) => p.startsWith('shop/web-')).length).toBeGreaterThanOrEqual(5);

    rig.sim.faults.configure({ errorRate: 0.7, errorCode: 500, pathPattern: '/eviction$' });
    const healed = setTimeout(() => rig.sim.faults.reset(), 15_000);
    try {
      const id = await rig.command('drain worker-1');
      expect(await rig.ended(id, 90_000)).toMatch(/Done \(worker-1 drained/);
    } finally {
      clearTimeout(healed);
      rig.sim.faults.reset();
    }

    const failed = rig.proxy.calls.filter(
      (c) => c.method === 'POST' && EVICTION.test(c.path) && c.status === 500,
    );
    expect(failed.length).toBeGreaterThan(0);
    const accepted = rig.proxy.acceptedEvictions();
    expect([...accepted.keys()].sort()).toEqual(toEvict);
    expect([...accepted.values()].every((count) => count === 1)).toBe(true);
    expect(await rig.unschedulable('worker-1')).toBe(true);
  }, 120_000);
});
