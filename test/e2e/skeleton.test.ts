import { Queue } from 'bullmq';
import { type RedisClient, workerConnection } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { OPS_QUEUE } from '../../src/queue/names.js';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { RecordedMessage } from '../../src/sandbox/slack/index.js';
import { startTestSandbox } from '../support/sandbox.js';

const VERSION = /v1\.\d+\.\d+/;

describe.each([
  ['HTTP', false],
  ['Socket Mode', true],
] as const)('/bosun in Slack over %s', (_mode, socketMode) => {
  let sandbox: RunningSandbox;
  let redis: RedisClient;
  let ops: Queue;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ socketMode, extraChannels: ['CDEV'] });
    redis = workerConnection(sandbox.config.redis);
    ops = new Queue(OPS_QUEUE, {
      connection: redis,
      prefix: new Keys(sandbox.config.redis.prefix).bullPrefix,
    });
  });
  afterAll(async () => {
    await ops.close();
    redis.disconnect();
    await sandbox.stop();
  });

  const parentOf = (requestId: string): RecordedMessage | undefined =>
    sandbox.standIn.messages('COPS').find((m) => m.requestId === requestId && !m.ephemeral);

  /** The request's card once it says Done. */
  const finished = (requestId: string, description: string) =>
    sandbox.standIn.waitFor(
      () => {
        const message = parentOf(requestId);
        return message && /Done/.test(message.text) ? message : undefined;
      },
      { timeoutMs: 10_000, description },
    );
  /** The card's mrkdwn, as a reader sees it. */
  const shownOn = (message: RecordedMessage) =>
    (message.blocks ?? [])
      .map((b) => JSON.stringify(b))
      .join('\n')
      .replace(/\\n/g, '\n');

  it('answers `nodes` in one message: the table on its card, each node and its version, no thread', async () => {
    const result = await sandbox.standIn.slashCommand({ text: 'nodes', user: 'UALICE', channel: 'COPS' });
    expect(result.status).toBe(200);
    expect(result.body).toBe('');
    const parent = await finished(result.requestId, 'the nodes reply and a finished card');
    expect(parent.metadata).toEqual({
      event_type: 'bosun_request',
      event_payload: { request_id: result.requestId },
    });
    expect(parent.text).toMatch(/^\/bosun nodes on sandbox: Done \(4 nodes, 4 Ready\)$/);
    const shown = shownOn(parent);
    for (const name of ['control-plane-1', 'worker-1', 'worker-2', 'worker-3']) {
      expect(shown).toMatch(new RegExp(`${name}\\s+Ready\\s+\\S+\\s+\\S+\\s+v1\\.31\\.\\d+`));
    }
    expect(shown).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(shown).toMatch(VERSION);
    expect(shown).not.toMatch(/details in the thread/);
    await new Promise((r) => setTimeout(r, 300));
    expect(parentOf(result.requestId)?.replies).toHaveLength(0);
  });

  it('answers `versions` (an operation that exists only in the registry) in one message', async () => {
    const result = await sandbox.standIn.slashCommand({ text: 'versions', user: 'UBOB', channel: 'COPS' });
    expect(result.status).toBe(200);
    expect(result.body).toBe('');
    const parent = await finished(result.requestId, 'the versions reply and a finished card');
    expect(parent.text).toMatch(
      /^\/bosun versions on sandbox: Done \(API server v1\.31\.\d+; kubelets within skew\)$/,
    );
    expect(parent.replies).toHaveLength(0);
    const shown = shownOn(parent);
    expect(shown).toMatch(/API server \*v1\.31\.\d+\*/);
    expect(shown).toMatch(/4: control-plane-1, worker-1, worker-2, worker-3/);
    expect(shown).toMatch(/Every kubelet is within the supported skew/);
    // Read-only: no approval card, even though the sandbox's policy asks approval for changes.
    expect(JSON.stringify(parent.blocks)).not.toMatch(/Approve/);
  });

  it('a redelivered command is the same request: one job, one card, one answer', async () => {
    const first = await sandbox.standIn.slashCommand({ text: 'nodes' });
    const again = await sandbox.standIn.slashCommand({ text: 'nodes', triggerId: first.triggerId });
    expect(again.requestId).toBe(first.requestId);
    expect(again.status).toBe(200);
    await finished(first.requestId, 'the nodes card done');
    await new Promise((r) => setTimeout(r, 500));
    expect(
      sandbox.standIn.messages('COPS').filter((m) => m.requestId === first.requestId && !m.ephemeral),
    ).toHaveLength(1);
    expect(parentOf(first.requestId)?.replies).toHaveLength(0);
    const job = await ops.getJob(first.requestId);
    expect(job?.attemptsStarted).toBe(1);
  });

  it('answers a malformed command with a usage hint only the user sees, and enqueues nothing', async () => {
    const before = await ops.getJobCounts();
    const result = await sandbox.standIn.slashCommand({ text: 'ndoes --clster x', user: 'UBOB' });
    expect(result.status).toBe(200);
    const answer = await sandbox.standIn.waitFor(() =>
      sandbox.standIn.messages('COPS').find((m) => m.requestId === result.requestId),
    );
    expect(answer.ephemeral).toEqual({ user: 'UBOB' });
    expect(answer.text).toContain('`ndoes` is not a bosun command.'.replace(/`/g, ''));
    expect(answer.text).toContain('Did you mean nodes?');
    expect(await ops.getJobCounts()).toEqual(before);
    expect(await ops.getJob(result.requestId)).toBeUndefined();
  });

  it("lists the channel's recent requests with `jobs`", async () => {
    const nodes = await sandbox.standIn.slashCommand({ text: 'nodes' });
    await finished(nodes.requestId, 'the nodes card done');
    const jobs = await sandbox.standIn.slashCommand({ text: 'jobs' });
    const answer = await sandbox.standIn.waitFor(() =>
      sandbox.standIn.messages('COPS').find((m) => m.requestId === jobs.requestId),
    );
    expect(answer.ephemeral).toEqual({ user: 'UALICE' });
    expect(answer.text).toContain(`${nodes.requestId} nodes succeeded`);
  });

  it('refuses a cluster the channel may not address, with a hint', async () => {
    const result = await sandbox.standIn.slashCommand({ text: 'nodes --cluster prod' });
    const answer = await sandbox.standIn.waitFor(() =>
      sandbox.standIn.messages('COPS').find((m) => m.requestId === result.requestId),
    );
    expect(answer.ephemeral).toEqual({ user: 'UALICE' });
    expect(answer.text).toContain('There is no cluster prod.');
    expect(await ops.getJob(result.requestId)).toBeUndefined();
  });
});

describe('Slack request verification', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox.stop();
  });

  it.each([
    ['a forged signature', { signature: 'forged' as const }],
    ['a timestamp older than 5 minutes', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
  ])('refuses %s with 401 and runs nothing', async (_name, forgery) => {
    const result = await sandbox.standIn.slashCommand({ text: 'nodes', ...forgery });
    expect(result.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    const about = sandbox.standIn.messages('COPS').filter((m) => m.requestId === result.requestId);
    // Only Slack's own "dispatch_failed" notice to the user; nothing from bosun.
    expect(about.map((m) => m.user)).toEqual(['USLACKBOT']);
  });
});
