import { eventually, gone } from '../support/sim.js';
import { type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

const OBJECTS = 300;
const CONFIGMAPS = /^\/api\/v1\/namespaces\/bulk\/configmaps$/;

/**
 * A worker process is killed (SIGKILL) halfway through a restore; another worker process picks the job up from
 * BullMQ, continues from the checkpoint in the job's data and the restore's labels on what is written, says so
 * in the thread, writes every object once (counted at the API: accepted creates) and counts each once.
 */
describe('a restore survives the death of its worker', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: 'small',
      inProcessWorker: false,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  const accepted = (path: RegExp) =>
    rig.proxy.calls.filter((c) => c.method === 'POST' && c.status === 201 && path.test(c.path)).length;

  it('continues on another worker, says what was written before, and writes each object once', async () => {
    const first = await rig.spawnWorker();
    await rig.core.createNamespace({ body: { metadata: { name: 'bulk' } } });
    for (let i = 0; i < OBJECTS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, OBJECTS - i) }, (_, k) =>
          rig.core.createNamespacedConfigMap({
            namespace: 'bulk',
            body: { metadata: { name: `cm-${i + k}` }, data: { n: String(i + k) } },
          }),
        ),
      );
    }
    const backup = await rig.command('backup now --namespace bulk');
    expect(await rig.ended(backup)).toMatch(/Done \(backup /);
    await rig.core.deleteNamespace({ name: 'bulk' });
    await eventually('bulk gone', () => gone(() => rig.core.readNamespace({ name: 'bulk' })), 30_000);

    // Slow creates down (100 ms each, 8 at a time), so that the worker dies with part of the restore written.
    rig.sim.faults.configure({ latencyMs: 100, pathPattern: CONFIGMAPS.source });
    // The test's own writes go straight to the simulator; the proxy sees only bosun's.
    const before = accepted(CONFIGMAPS);
    const id = await rig.command('restore latest --namespace bulk');
    await rig.standIn.waitFor(() => (accepted(CONFIGMAPS) - before >= 60 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 10,
      description: 'a fifth of the restore written',
    });
    first.kill('SIGKILL');
    await first.process;
    // A create the dead worker had on the wire may still reach the API server: let it settle. What it wrote is
    // read from the cluster (the proxy may not see an answer whose client died).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const labelled = async () =>
      (await rig.core.listNamespacedConfigMap({ namespace: 'bulk', labelSelector: 'bosun.dev/restore' }))
        .items.length;
    const writtenBeforeKill = await labelled();
    expect(writtenBeforeKill).toBeLessThan(OBJECTS);
    const callsBefore = rig.proxy.calls.length;

    await rig.spawnWorker();
    const resumed = await rig.reply(id, /Resumed by another worker/, 30_000);
    // The ConfigMaps and their namespace.
    expect(resumed.text).toContain(
      `Resumed by another worker: ${writtenBeforeKill + 1} objects were written before`,
    );
    expect(await rig.ended(id, 60_000)).toMatch(
      new RegExp(`Done \\(backup \\S+ restored: ${OBJECTS + 1} created, 0 replaced, 2 skipped, 0 failed\\)`),
    );
    // The second worker wrote exactly what the first had not: nothing twice, nothing lost.
    const after = rig.proxy.calls
      .slice(callsBefore)
      .filter((c) => c.method === 'POST' && CONFIGMAPS.test(c.path));
    expect(after.filter((c) => c.status === 201)).toHaveLength(OBJECTS - writtenBeforeKill);
    expect(after.filter((c) => c.status !== 201)).toEqual([]);
    expect(await labelled()).toBe(OBJECTS);
    const summary = await rig.reply(id, /^Restore of backup/);
    expect(JSON.stringify(summary.blocks)).toContain('It was resumed 1 time by another worker.');
    // The file of every object follows the report under its title: the ConfigMaps, their namespace and the skips.
    const file = (await rig.reply(id, /^Restore of \S+: every object and its outcome$/)).files?.[0];
    expect(file?.name).toMatch(/^restore-\S+\.txt$/);
    const listed =
      rig.standIn
        .fileContent(file?.id ?? '')
        ?.toString()
        .trim()
        .split('\n') ?? [];
    expect(listed).toHaveLength(OBJECTS + 3 + 1);
  }, 120_000);

  it('says how far a cancelled restore got, and what it wrote stays', async () => {
    // The worker of the test before is still running; the backup is the same.
    rig.sim.faults.configure({ latencyMs: 100, pathPattern: '^/api/v1/namespaces/bulk-copy/configmaps$' });
    const id = await rig.command('restore latest --namespace bulk --to-namespace bulk-copy');
    await rig.standIn.waitFor(
      () =>
        rig.proxy.calls.filter(
          (c) => c.status === 201 && c.path === '/api/v1/namespaces/bulk-copy/configmaps',
        ).length >= 30 || undefined,
      { timeoutMs: 30_000, intervalMs: 10, description: 'part of the copy written' },
    );
    await rig.command(`cancel ${id}`);
    const stopped = await rig.reply(id, /^Restore stopped/, 30_000);
    const done = Number(/(\d+) of 303 objects done/.exec(stopped.text)?.[1]);
    expect(done).toBeGreaterThan(30);
    expect(done).toBeLessThan(303);
    expect(stopped.text).toContain(`bosun.dev/restore=${id}`);
    expect(await rig.ended(id, 30_000)).toMatch(/Cancelled/);
    const copied = await rig.core.listNamespacedConfigMap({
      namespace: 'bulk-copy',
      labelSelector: `bosun.dev/restore=${id}`,
    });
    expect(copied.items.length).toBeGreaterThanOrEqual(30);
  }, 60_000);
});
