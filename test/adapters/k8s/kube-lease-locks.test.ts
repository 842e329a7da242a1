import { CoordinationV1Api, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import pino from 'pino';
import { KubeLeaseLocks, leaseName } from '../../../src/adapters/k8s/kube-lease-locks.js';
import { RedisLocks } from '../../../src/adapters/redis/redis-locks.js';
import type { LockAttempt } from '../../../src/ports/lock.js';
import { producerConnection } from '../../../src/queue/connection.js';
import { Keys } from '../../../src/queue/keys.js';
import { systemClock } from '../../../src/shared/clock.js';
import type { ScenarioInput } from '../../../src/sim/index.js';
import { testPrefix, testRedis } from '../../support/redis.js';
import { type SimRig, startSimRig } from '../../support/sim.js';

/**
 * The locks as the cluster sees them: a Lease per locked node in kube-system, held by `<installation>/<request>`,
 * found by kubectl, renewed with the lock and gone when it is released; another installation's live Lease
 * refuses the lock (and its cluster Lease refuses every node), an expired one is taken over. Against the
 * simulator through client-node and the real kubectl, and a real Redis under the Leases.
 */
const scenario: ScenarioInput = {
  name: 'leases',
  nodes: [{ role: 'control-plane' }, { role: 'worker', count: 3 }],
};

let rig: SimRig;
let api: CoordinationV1Api;
const redis = producerConnection(testRedis());
const keys = new Keys(testPrefix(import.meta.url));
const logger = pino({ level: 'silent' });
const locksOf = (installation: string, redisKeys = keys) =>
  new KubeLeaseLocks(new RedisLocks(redis, redisKeys), {
    api: () => api,
    namespace: 'kube-system',
    installation,
    clock: systemClock,
    logger,
  });
const node = (name: string) => ({ kind: 'node', cluster: 'sim', node: name }) as const;
const drainA = { requestId: 'r-aaaaaaaaaaaa', operation: 'drain' };
const drainB = { requestId: 'r-bbbbbbbbbbbb', operation: 'drain' };
const granted = (attempt: LockAttempt) => {
  if (!attempt.acquired) throw new Error(`expected the lock, held by ${JSON.stringify(attempt.heldBy)}`);
  return attempt.lease;
};
const read = async (name: string): Promise<V1Lease | undefined> =>
  await api.readNamespacedLease({ name, namespace: 'kube-system' }).catch(() => undefined);

beforeAll(async () => {
  rig = await startSimRig({ scenario });
  api = rig.kubeConfig.makeApiClient(CoordinationV1Api);
}, 60_000);
afterAll(async () => {
  await rig?.stop();
  redis.disconnect();
});

describe('KubeLeaseLocks', () => {
  it('shows a held lock as a Lease kubectl finds, renews it with the lock and deletes it on release', async () => {
    const locks = locksOf('bosun');
    const lease = granted(await locks.acquire(node('worker-1'), drainA, 20_000));

    const kubectl = await rig.kubectl();
    const listed = await kubectl.run([
      'get',
      'leases',
      '-n',
      'kube-system',
      '-l',
      'app.kubernetes.io/managed-by=bosun',
      '-o',
      'custom-columns=NAME:.metadata.name,HOLDER:.spec.holderIdentity,REQUEST:.metadata.annotations.bosun\\.dev/request',
    ]);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(/bosun-node-worker-1\s+bosun\/r-aaaaaaaaaaaa\s+r-aaaaaaaaaaaa/);

    // What a person types: the server's table names the holder, beside the kubelets' own heartbeats.
    const table = await kubectl.run(['get', 'leases', '-n', 'kube-system']);
    expect(table.stdout).toMatch(/^NAME\s+HOLDER\s+AGE$/m);
    expect(table.stdout).toMatch(/^bosun-node-worker-1\s+bosun\/r-aaaaaaaaaaaa\s+\d+s$/m);

    const before = await read('bosun-node-worker-1');
    expect(before?.spec).toMatchObject({ holderIdentity: 'bosun/r-aaaaaaaaaaaa', leaseDurationSeconds: 20 });
    // MicroTime as the API server writes it: six fractional digits.
    const raw = await kubectl.run(['get', 'lease', 'bosun-node-worker-1', '-n', 'kube-system', '-o', 'json']);
    expect(JSON.parse(raw.stdout).spec.renewTime).toMatch(/\.\d{6}Z$/);

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await lease.renew(60_000)).toBe(true);
    const after = await read('bosun-node-worker-1');
    expect(after?.spec?.leaseDurationSeconds).toBe(60);
    expect(Date.parse(String(after?.spec?.renewTime))).toBeGreaterThan(
      Date.parse(String(before?.spec?.renewTime)),
    );

    await lease.release();
    expect(await read('bosun-node-worker-1')).toBeUndefined();
  });

  it("refuses a node another installation's live Lease holds, names it, and leaves Redis free", async () => {
    const ours = locksOf('bosun');
    const theirs = locksOf('bosun-staging', new Keys(`${testPrefix(import.meta.url)}-staging`));
    const held = granted(await theirs.acquire(node('worker-2'), drainB, 30_000));

    const refused = await ours.acquire(node('worker-2'), drainA, 30_000);
    expect(refused).toMatchObject({
      acquired: false,
      heldBy: {
        requestId: drainB.requestId,
        operation: 'drain',
        elsewhere: { lease: 'kube-system/bosun-node-worker-2', holder: 'bosun-staging/r-bbbbbbbbbbbb' },
      },
      scope: node('worker-2'),
    });
    // Our own Redis lock was given back: the next request of ours is refused by the Lease only.
    expect(await new RedisLocks(redis, keys).holder(node('worker-2'))).toBeUndefined();

    await held.release();
    const lease = granted(await ours.acquire(node('worker-2'), drainA, 30_000));
    expect((await read('bosun-node-worker-2'))?.spec?.holderIdentity).toBe('bosun/r-aaaaaaaaaaaa');
    await lease.release();
  });

  it("keeps every node off limits under another installation's cluster Lease", async () => {
    const theirs = locksOf('bosun-staging', new Keys(`${testPrefix(import.meta.url)}-staging2`));
    const held = granted(await theirs.acquire({ kind: 'cluster', cluster: 'sim' }, drainB, 30_000));
    const refused = await locksOf('bosun').acquire(node('worker-3'), drainA, 30_000);
    expect(refused).toMatchObject({ acquired: false, scope: { kind: 'cluster', cluster: 'sim' } });
    await held.release();
  });

  it('takes over an expired Lease, counting the transition, and a renewal finds out when another holder took it', async () => {
    const now = Date.now();
    await api.createNamespacedLease({
      namespace: 'kube-system',
      body: {
        metadata: { name: 'bosun-node-worker-3', labels: { 'app.kubernetes.io/managed-by': 'bosun' } },
        spec: {
          holderIdentity: 'kured/worker-3',
          leaseDurationSeconds: 5,
          renewTime: new V1MicroTime(now - 60_000),
          leaseTransitions: 2,
        },
      },
    });
    const locks = locksOf('bosun');
    const lease = granted(await locks.acquire(node('worker-3'), drainA, 30_000));
    const taken = await read('bosun-node-worker-3');
    expect(taken?.spec).toMatchObject({ holderIdentity: 'bosun/r-aaaaaaaaaaaa', leaseTransitions: 3 });

    // Someone writes the Lease as theirs (a tool that does not honour it, or a person): the renewal says lost.
    await api.replaceNamespacedLease({
      name: 'bosun-node-worker-3',
      namespace: 'kube-system',
      body: { ...taken, spec: { ...taken?.spec, holderIdentity: 'someone-else' } },
    });
    expect(await lease.renew()).toBe(false);
    await lease.release();
    // Not ours any more: the release leaves it alone.
    expect((await read('bosun-node-worker-3'))?.spec?.holderIdentity).toBe('someone-else');
    await api.deleteNamespacedLease({ name: 'bosun-node-worker-3', namespace: 'kube-system' });
  });

  it('is refused by the API server when a time has three fractional digits, as a real one refuses it', async () => {
    const error = await api
      .createNamespacedLease({
        namespace: 'kube-system',
        body: {
          metadata: { name: 'millisecond-lease' },
          spec: { holderIdentity: 'x', renewTime: new Date('2026-12-06T20:00:00.123Z') },
        },
      })
      .catch((e: unknown) => e);
    expect(String((error as { body?: unknown }).body)).toContain(
      'Lease in version \\"v1\\" cannot be handled as a Lease: parsing time \\"2026-12-06T20:00:00.123Z\\" as \\"2006-01-02T15:04:05.000000Z07:00\\": cannot parse \\".123Z\\" as \\".000000\\"',
    );
    expect((error as { code?: number }).code).toBe(400);
    expect(await read('millisecond-lease')).toBeUndefined();
  });

  it('names long node names within the 253 characters a Lease name may have', () => {
    const long = `n${'a'.repeat(260)}`;
    const name = leaseName(node(long));
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).not.toBe(leaseName(node(`${long}b`)));
  });
});
