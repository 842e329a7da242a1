import { AuditLog } from '../../src/audit/audit-log.js';
import { producerConnection } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { e2eScenario, type NodeOpsRig, startNodeOpsRig } from './support/node-ops-rig.js';

/**
 * A worker frozen (SIGSTOP) past its job lock in the middle of a drain; a second worker takes the job over
 * and finishes it. The first one then wakes (SIGCONT) and tries to go on: every write it attempts carries its
 * fence and is refused in Redis, so the request has one outcome, told once: the card, `/bosun jobs`, the thread
 * and the audit agree.
 */
describe('a stalled worker taken over does not contradict the one that finished', () => {
  let rig: NodeOpsRig;

  beforeAll(async () => {
    rig = await startNodeOpsRig({
      scenario: e2eScenario('drain-resume'),
      timeScale: 1,
      inProcessWorker: false,
      worker: { lockDurationMs: 2000, stalledIntervalMs: 1000 },
      drain: { lockTtlMs: 3000 },
    });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('keeps one outcome when the frozen worker wakes after the other finished', async () => {
    const first = await rig.spawnWorker();
    const id = await rig.command('drain worker-1 --grace-period 2');
    await rig.evictionAccepted('shop/web-');
    first.kill('SIGSTOP');

    await rig.spawnWorker();
    expect(await rig.ended(id, 60_000)).toMatch(/Done \(worker-1 drained/);
    const threadWhenDone = rig.thread(id).map((m) => m.text);

    first.kill('SIGCONT');
    await rig.standIn.waitFor(
      () => (first.output().includes('another worker took this request over') ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 50, description: 'the woken worker to notice it was taken over' },
    );
    // Give anything the woken worker might still send the time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const card = rig.card(id);
    expect(card?.text).toMatch(/Done \(worker-1 drained/);
    expect(rig.thread(id).map((m) => m.text)).toEqual(threadWhenDone);
    expect(
      rig
        .thread(id)
        .map((m) => m.text)
        .join('\n'),
    ).not.toMatch(/lost its lock|Failed/);
    expect((await rig.requests.get(id))?.state).toBe('succeeded');

    const jobs = await rig.standIn.slashCommand({ text: 'jobs', user: 'UALICE', channel: 'COPS' });
    const listing = await rig.standIn.waitFor(() =>
      rig.standIn.messages('COPS').find((m) => m.requestId === jobs.requestId),
    );
    expect(listing.text).toContain(`${id} drain worker-1 --grace-period 2 succeeded`);

    const redis = producerConnection(rig.config.redis, { connectionName: 'bosun-test-audit' });
    try {
      const audit = new AuditLog(redis, new Keys(rig.config.redis.prefix).audit(), { maxEntries: 10_000 });
      const { records: entries } = await audit.list({ sinceSeconds: 3600, requestId: id });
      const finished = entries.filter((e) => e.event === 'job-finished');
      expect(finished.map((e) => e.outcome)).toEqual(['succeeded']);
      expect(entries.map((e) => e.detail ?? '').join('\n')).not.toMatch(/lost its lock/);
    } finally {
      redis.disconnect();
    }
    first.kill('SIGKILL');
    await first.process;
  }, 120_000);
});
