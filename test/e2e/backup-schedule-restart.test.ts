import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import { type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * A backup schedule lives in Redis as a BullMQ job scheduler: the worker that was running when it was set can
 * be killed (SIGKILL, no goodbye) and a new worker process, knowing nothing of it, takes the next runs.
 */
describe('a backup schedule across worker processes', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: 'small',
      inProcessWorker: false,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
      drain: { lockTtlMs: 3000 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  const backupsPosted = (): RecordedMessage[] =>
    rig.standIn
      .messages('COPS')
      .filter((m) => m.requestId === undefined && /^Backup \d{8}-\d{6}-[a-z2-9]{4} of sim: /.test(m.text));

  it('still fires after the worker process is killed and another one starts', async () => {
    const first = await rig.spawnWorker();
    const set = await rig.command('backup schedule set "*/2 * * * * *" --keep 3');
    expect(await rig.ended(set)).toMatch(/Done \(backup schedule s1 set: \*\/2 \* \* \* \* \* UTC\)/);
    await rig.standIn.waitFor(() => backupsPosted().length >= 1 || undefined, {
      timeoutMs: 20_000,
      description: 'a scheduled backup posted by the first worker',
    });

    first.kill('SIGKILL');
    await first.process;
    const before = new Set(backupsPosted().map((m) => m.text));

    await rig.spawnWorker();
    await rig.standIn.waitFor(
      () => backupsPosted().filter((m) => !before.has(m.text)).length >= 2 || undefined,
      {
        timeoutMs: 30_000,
        description: 'two more scheduled backups posted by the new worker',
      },
    );
  });
});
