import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalBackupStore } from '../../src/backup/local-store.js';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import { startTestSandbox } from '../support/sandbox.js';

/**
 * Backup schedules end to end: the bot takes the command, a BullMQ job scheduler fires every few seconds (a
 * six-field cron), the worker backs up the simulated cluster, applies retention and posts in #ops.
 */
describe('/bosun backup schedule in Slack', () => {
  let sandbox: RunningSandbox;
  let store: LocalBackupStore;

  beforeAll(async () => {
    sandbox = await startTestSandbox({
      backupsNotify: { owners: ['UOWNER', 'SPLATFORM'], missedCheckEveryMs: 250 },
    });
    store = new LocalBackupStore(localPath());
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  const localPath = () => {
    const config = sandbox.config.backups.store;
    if (config.type !== 'local') throw new Error('the sandbox keeps its backups in a local folder');
    return config.path;
  };
  /** Messages in #ops that belong to no request: the schedules' notifications. */
  const notices = (): RecordedMessage[] =>
    sandbox.standIn.messages('COPS').filter((m) => m.requestId === undefined && !m.ephemeral);
  const shown = (message: RecordedMessage) => JSON.stringify(message.blocks ?? []).replace(/\\n/g, '\n');
  const ask = async (text: string) => {
    const asked = await sandbox.standIn.slashCommand({ text, user: 'UALICE', channel: 'COPS' });
    return await sandbox.standIn.waitFor(
      () => {
        const card = sandbox.standIn
          .messages('COPS')
          .find((m) => m.requestId === asked.requestId && !m.ephemeral && /Done|Failed/.test(m.text));
        return card;
      },
      { timeoutMs: 20_000, description: `the answer to ${text}` },
    );
  };
  /** Polls a condition on the store (the stand-in's waitFor takes only synchronous ones). */
  const until = async (check: () => Promise<boolean>, what: string, timeoutMs = 15_000) => {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const scheduled = async (id: string) =>
    (await store.list('sandbox')).filter((m) => m.trigger === `schedule ${id}`);

  it('fires on its cron, keeps the newest N, posts one compact message per backup, and survives a worker restart', async () => {
    const byHand = await ask('backup now --namespace kube-system');
    const handId = /backup (\d{8}-\d{6}-[a-z2-9]{4})/.exec(byHand.text)?.[1] ?? '';
    const set = await ask('backup schedule set "*/2 * * * * *" --keep 2 --no-secrets');
    expect(shown(set)).toContain(
      'Backup schedule *s1* of *sandbox* set: every 2 seconds (`*/2 * * * * *`), UTC',
    );
    expect(shown(set)).toContain('keeps 2');

    const posted = await sandbox.standIn.waitFor(() => (notices().length >= 3 ? notices() : undefined), {
      timeoutMs: 20_000,
      description: 'three scheduled backups posted',
    });
    const first = posted[0] as RecordedMessage;
    expect(first.text).toMatch(
      /^Backup \d{8}-\d{6}-[a-z2-9]{4} of sandbox: \d+ objects in \d+ kinds, [\d.]+ [KM]?B, took \d+s, sha256 [0-9a-f]{12}, verified$/,
    );
    expect(shown(first)).toContain('Schedule s1, every 2 seconds');
    // Retention: never more than the two newest stay (a third may be between its write and its retention).
    await until(async () => (await scheduled('s1')).length <= 2, 'retention down to 2');
    expect(posted.some((m) => shown(m).includes('Retention deleted'))).toBe(true);
    // A schedule's retention is about its own backups: the one taken by hand stays.
    expect((await store.list('sandbox')).map((m) => m.id)).toContain(handId);

    const list = await ask('backup schedule list');
    expect(shown(list)).toMatch(
      /\*s1\* every 2 seconds .*: next .* UTC; every namespace, no Secrets; keeps 2; restore drill of every backup; last ok/,
    );

    await sandbox.restartWorker();
    const before = notices().length;
    await sandbox.standIn.waitFor(() => notices().length >= before + 2, {
      timeoutMs: 15_000,
      description: 'the schedule still firing after the worker restarted',
    });

    const status = await ask('backup status');
    expect(shown(status)).toMatch(
      /:white_check_mark: \*sandbox\* backups\. Last good backup \*\d{8}-\d{6}-[a-z2-9]{4}\*/,
    );
    expect(shown(status)).toContain('Next scheduled: *s1*');

    const deleted = await ask('backup schedule delete s1');
    expect(shown(deleted)).toContain(
      'Backup schedule *s1* of *sandbox* (every 2 seconds (`*/2 * * * * *`)) deleted',
    );
    const left = new Set((await scheduled('s1')).map((m) => m.id));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // At most a run already under way when it was deleted.
    expect((await scheduled('s1')).filter((m) => !left.has(m.id)).length).toBeLessThanOrEqual(1);
  });

  it('an only-failures schedule backs up and stays quiet', async () => {
    await ask('backup schedule set "* * * * * *" --only-failures --namespace kube-system');
    await until(async () => (await scheduled('s2')).length >= 3, 'three quiet backups taken');
    await ask('backup schedule delete s2');
    // What the channel's pacing still held has been delivered by the time the delete is answered, and more.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(notices().filter((m) => shown(m).includes('Schedule s2'))).toEqual([]);
  });

  it('a failing schedule mentions the owners once, groups the same failure, raises one missed alert, then recovers', async () => {
    const root = localPath();
    // The cluster's folder becomes a file: every backup of it fails the same way.
    await rename(join(root, 'sandbox'), join(root, 'sandbox.away'));
    await writeFile(join(root, 'sandbox'), 'not a folder');
    const before = notices().length;
    await ask('backup schedule set "* * * * * *" --only-failures');

    const alert = await sandbox.standIn.waitFor(
      () =>
        notices()
          .slice(before)
          .find((m) => m.text.startsWith('Backup of sandbox failed')),
      { timeoutMs: 15_000, description: 'the failure alert' },
    );
    expect(shown(alert)).toContain('<@UOWNER> <!subteam^SPLATFORM>');
    expect(shown(alert)).toContain('No good backup from this schedule yet.');

    const grouped = await sandbox.standIn.waitFor(
      () => notices().find((m) => m.ts === alert.ts && /failed again \(\d+ times since/.test(m.text)),
      { timeoutMs: 15_000, description: 'the alert rewritten: failed again' },
    );
    expect(grouped.edited).toBe(true);
    const missed = await sandbox.standIn.waitFor(
      () =>
        notices()
          .slice(before)
          .find((m) => m.text.startsWith('Missed backup: sandbox')),
      { timeoutMs: 15_000, description: 'the missed-backup alert' },
    );
    expect(shown(missed)).toContain('since the schedule was set');
    expect(shown(missed)).toContain('<@UOWNER>');
    // One failure alert and one missed alert, however many runs failed and checks ran.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const since = notices().slice(before);
    expect(since.filter((m) => m.text.startsWith('Backup of sandbox failed'))).toHaveLength(1);
    expect(since.filter((m) => m.text.startsWith('Missed backup'))).toHaveLength(1);
    expect(since).toHaveLength(2);

    await rm(join(root, 'sandbox'));
    await rename(join(root, 'sandbox.away'), join(root, 'sandbox'));
    const recovered = await sandbox.standIn.waitFor(
      () => notices().find((m) => m.ts === alert.ts && m.text.includes('then succeeded with')),
      { timeoutMs: 15_000, description: 'the alert marked recovered' },
    );
    expect(shown(recovered)).toContain('Back to normal');
    await sandbox.standIn.waitFor(
      () => notices().find((m) => m.ts === missed.ts && m.text.startsWith('Missed backup of sandbox since')),
      { timeoutMs: 15_000, description: 'the missed alert marked recovered' },
    );
    await ask('backup schedule delete s3');
  });

  it('refuses a bad cron at once and tells only its author about a schedule that does not exist', async () => {
    const bad = await sandbox.standIn.slashCommand({
      text: 'backup schedule set "0 25 * * *"',
      user: 'UBOB',
      channel: 'COPS',
    });
    const refusal = await sandbox.standIn.waitFor(
      () => sandbox.standIn.messages('COPS').find((m) => m.requestId === bad.requestId),
      { timeoutMs: 10_000, description: 'the refusal' },
    );
    expect(refusal.ephemeral).toEqual({ user: 'UBOB' });
    expect(refusal.text).toContain('got value 25 expected range 0-23; try "0 2 ∗ ∗ ∗"'.replace(/∗/g, '*'));

    const unknown = await sandbox.standIn.slashCommand({
      text: 'backup schedule delete s99',
      user: 'UBOB',
      channel: 'COPS',
    });
    const answer = await sandbox.standIn.waitFor(
      () => sandbox.standIn.messages('COPS').find((m) => m.requestId === unknown.requestId && m.ephemeral),
      { timeoutMs: 15_000, description: 'the answer to its author' },
    );
    expect(answer.text).toContain(
      'sandbox has no backup schedule s99. /bosun backup schedule list shows its schedules.',
    );
    await sandbox.standIn.waitFor(
      () =>
        sandbox.standIn.messages('COPS').some((m) => m.requestId === unknown.requestId && !m.ephemeral)
          ? undefined
          : true,
      { timeoutMs: 10_000, description: 'no card left in the channel' },
    );
  });
});
