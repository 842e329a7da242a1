import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalBackupStore } from '../../src/backup/local-store.js';
import { eventually } from '../support/sim.js';
import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

const CONFIG_MAPS = 4000;

/** The folders under `dir`, or none when it does not exist. */
async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

/**
 * A worker process is killed (SIGKILL) in the middle of a backup of a cluster with thousands of ConfigMaps: the
 * half-written backup is never listed; a restarted worker takes the job again, under the same backup id, starts
 * its staging over, and the card ends Done with a backup that lists and verifies.
 */
describe('a backup survives the death of its worker', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      timeScale: 1,
      inProcessWorker: false,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
    });
    // Seeded straight into the simulator's registry: thousands of objects in a moment.
    const payload = 'x'.repeat(1500);
    for (let i = 0; i < CONFIG_MAPS; i++) {
      await rig.sim.registry.create({ group: '', resource: 'configmaps' }, 'default', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `settings-${i}`, namespace: 'default' },
        data: { payload },
      });
    }
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
  });

  it('lists nothing while it is half-written, and a restarted worker takes it again to Done', async () => {
    const root = rig.config.backups.store.type === 'local' ? rig.config.backups.store.path : '';
    const store = new LocalBackupStore(root);
    const staging = join(root, 'sim', '.staging');
    const first = await rig.spawnWorker();

    const id = await rig.command('backup now');
    // Kill it once it has written a good part of the ConfigMaps, before it could have finished.
    const stagedId = await eventually(
      'a quarter of the ConfigMaps written',
      async () => {
        const [backup] = await entries(staging);
        if (!backup) return undefined;
        const written = await entries(join(staging, backup, 'default', 'configmaps'));
        return written.length >= CONFIG_MAPS / 4 ? backup : undefined;
      },
      30_000,
    );
    first.kill('SIGKILL');
    await first.process;
    const halfWritten = await entries(join(staging, stagedId, 'default', 'configmaps'));
    expect(halfWritten.length).toBeLessThan(CONFIG_MAPS);
    // Nothing is listed: the backup has no manifest, and `backup list` reads only manifests.
    expect(await store.list('sim')).toEqual([]);
    expect(await entries(join(root, 'sim'))).toEqual(['.staging']);
    expect(rig.card(id)?.text).not.toMatch(/: Done/);

    await rig.spawnWorker();
    const ended = await rig.ended(id, 60_000);
    expect(ended).toMatch(new RegExp(`: Done \\(backup ${stagedId}: \\d+ objects, verified\\)`));

    // The same backup id, taken again from nothing: one backup, complete, and no staging left behind.
    const listed = await store.list('sim');
    expect(listed.map((m) => m.id)).toEqual([stagedId]);
    expect(listed[0]?.kinds.find((k) => k.resource === 'configmaps')?.count).toBeGreaterThanOrEqual(
      CONFIG_MAPS,
    );
    expect(await entries(staging)).toEqual([]);
    // Every ConfigMap of `default`: the seeded ones and kube-root-ca.crt.
    expect(await entries(join(root, 'sim', stagedId, 'default', 'configmaps'))).toHaveLength(CONFIG_MAPS + 1);

    // In Slack: the list shows it verified, and `backup verify` passes it (on a sample: it is large).
    const list = await rig.command('backup list', 'UBOB');
    await rig.ended(list);
    expect(JSON.stringify(rig.card(list)?.blocks)).toMatch(new RegExp(`${stagedId}[^\\n]*verified`));
    const verify = await rig.command(`backup verify ${stagedId}`, 'UBOB');
    expect(await rig.ended(verify, 60_000)).toContain(`: Done (backup ${stagedId} passed verification)`);
    const answer = JSON.stringify(rig.card(verify)?.blocks);
    expect(answer).toContain(`Backup *${stagedId}* of *sim* passed verification.`);
    expect(answer).toMatch(/objects accepted \(a sample of [\d,]+\)/);
    // The worker's restore drill: the backup restored into a scratch simulator and found there.
    expect(answer).toMatch(
      /Restore drill: [\d,]+ objects restored into a scratch cluster at v1\.31\.4 and found there/,
    );

    // `--what all` takes the resources, the only kind there is until etcd snapshots exist, and says so.
    const all = await rig.command('backup now --namespace kube-system --what all');
    expect(await rig.ended(all, 30_000)).toMatch(/: Done \(backup \S+: \d+ objects, verified\)/);
    expect(JSON.stringify(rig.card(all)?.blocks)).toContain(
      ':warning: asked for all: bosun does not take etcd snapshots yet, so this backup holds the resources only',
    );
  }, 120_000);
});
