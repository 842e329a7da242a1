import { KUBECTL_EDGES } from '../../support/kubectl.js';
import { eventually, type SimRig, startSimRig } from '../../support/sim.js';

/**
 * The `local-volume` scenario with the real kubectl (contract 89): `get pv,pvc,sc` print the API server's
 * columns, and `kubectl drain` of a node whose pod sits on a local volume evicts it, its replacement stays
 * Pending on the volume's node affinity, and a drain of the other database worker is refused by the budget.
 */

let rig: SimRig;
beforeAll(async () => {
  rig = await startSimRig({ scenario: 'local-volume', timeScale: 0.01 });
  await rig.sim.settled({ timeoutMs: 30_000 });
}, 60_000);
afterAll(async () => {
  await rig?.stop();
});

function rows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}

async function nodeOf(pod: string): Promise<string> {
  return (await rig.core.readNamespacedPod({ name: pod, namespace: 'data' })).spec?.nodeName ?? '';
}

describe('local volumes with kubectl', () => {
  it.each(KUBECTL_EDGES)('89: kubectl %s get pv, pvc and sc print the API server columns', async (minor) => {
    const kubectl = await rig.kubectl(minor);
    const sc = await kubectl.run(['get', 'sc']);
    expect(sc.stderr).toBe('');
    expect(rows(sc.stdout)).toEqual([
      ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
      ['local', expect.any(String), 'Delete', 'WaitForFirstConsumer', 'false', expect.any(String)],
      [
        'standard (default)',
        expect.any(String),
        'Delete',
        'Immediate',
        expect.any(String),
        expect.any(String),
      ],
    ]);
    const pvc = await kubectl.run(['get', 'pvc', '-n', 'data']);
    const [header, ...claims] = rows(pvc.stdout);
    expect(header).toEqual([
      'NAME',
      'STATUS',
      'VOLUME',
      'CAPACITY',
      'ACCESS MODES',
      'STORAGECLASS',
      'VOLUMEATTRIBUTESCLASS',
      'AGE',
    ]);
    expect(claims.map((row) => row.slice(0, 2))).toEqual([
      ['content-web-0', 'Bound'],
      ['data-db-0', 'Bound'],
      ['data-db-1', 'Bound'],
    ]);
    const db0 = claims.find((row) => row[0] === 'data-db-0');
    expect(db0?.slice(2, 7)).toEqual([expect.stringMatching(/^pvc-/), '10Gi', 'RWO', 'local', '<unset>']);
    const pv = await kubectl.run(['get', 'pv']);
    const [pvHeader, ...volumes] = rows(pv.stdout);
    expect(pvHeader).toEqual([
      'NAME',
      'CAPACITY',
      'ACCESS MODES',
      'RECLAIM POLICY',
      'STATUS',
      'CLAIM',
      'STORAGECLASS',
      'VOLUMEATTRIBUTESCLASS',
      'REASON',
      'AGE',
    ]);
    const local = volumes.find((row) => row[5] === 'data/data-db-0');
    // REASON is empty, so the row has one cell fewer than the header.
    expect(local?.slice(1, 8)).toEqual([
      '10Gi',
      'RWO',
      'Delete',
      'Bound',
      'data/data-db-0',
      'local',
      '<unset>',
    ]);
    const wide = await kubectl.run(['get', 'pv', '-o', 'wide']);
    expect(rows(wide.stdout)[0]?.at(-1)).toBe('VOLUMEMODE');
  });

  it('89: kubectl drain evicts the pod on a local volume, its replacement stays Pending, the other worker is refused', async () => {
    const kubectl = await rig.kubectl('1.33');
    const first = await nodeOf('db-0');
    const second = await nodeOf('db-1');
    expect(first).not.toBe(second);
    const drained = await kubectl.run(['drain', first, '--ignore-daemonsets', '--timeout=20s'], {
      timeoutMs: 30_000,
    });
    expect(drained.exitCode).toBe(0);
    expect(drained.stdout).toContain('pod/db-0 evicted');
    expect(drained.stdout).toContain(`node/${first} drained`);
    const pending = await eventually('db-0 back and Pending', async () => {
      const pod = await rig.core
        .readNamespacedPod({ name: 'db-0', namespace: 'data' })
        .catch(() => undefined);
      return pod && !pod.metadata?.deletionTimestamp && pod.status?.phase === 'Pending' ? pod : undefined;
    });
    expect(pending.spec?.nodeName).toBeUndefined();
    const events = await kubectl.run([
      'get',
      'events',
      '-n',
      'data',
      '--field-selector',
      'reason=FailedScheduling',
    ]);
    expect(events.stdout).toContain('volume node affinity conflict');
    const refused = await kubectl.run(['drain', second, '--ignore-daemonsets', '--timeout=3s'], {
      timeoutMs: 30_000,
    });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(
      `error when evicting pods/"db-1" -n "data" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`,
    );
    expect(refused.stderr).toContain(`There are pending pods in node "${second}" when an error occurred`);
    await kubectl.run(['uncordon', first]);
    await kubectl.run(['uncordon', second]);
  });
});
