import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { SlackUserNames } from '../../src/audit/slack-user-names.js';
import { runAudit } from '../../src/main/audit.js';
import { producerConnection, type RedisClient } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { type SlackStandIn, startSlackStandIn } from '../../src/sandbox/slack/index.js';
import { testPrefix, testRedis, testRedisUrl } from '../support/redis.js';

describe('bosun audit on the command line', () => {
  let redis: RedisClient;
  let standIn: SlackStandIn;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const prefix = testPrefix(import.meta.url);

  beforeAll(async () => {
    redis = producerConnection(testRedis());
    dir = await mkdtemp(join(tmpdir(), 'bosun-audit-cli-'));
    const file = join(dir, 'bosun.yaml');
    await writeFile(file, `redis: { prefix: ${prefix} }\n`);
    env = { BOSUN_CONFIG: file, REDIS_URL: testRedisUrl() };
    // The entries are written as the bot writes them, names looked up in Slack then; the CLI has no Slack.
    standIn = await startSlackStandIn({
      signingSecret: 'audit-cli',
      botToken: 'xoxb-audit-cli',
      delivery: { mode: 'http', url: 'http://127.0.0.1:1/slack/events' },
      users: [
        { id: 'UALICE', name: 'alice', realName: 'Alice Operator' },
        { id: 'UBOB', name: 'bob', realName: 'Bob Operator' },
        { id: 'UDAVE', name: 'dave', realName: 'Dave Visitor' },
      ],
    });
    const keys = new Keys(prefix);
    const names = new SlackUserNames(
      () => createWebClient('xoxb-audit-cli', pino({ level: 'silent' }), standIn.apiUrl),
      redis,
      keys,
    );
    const log = new AuditLog(redis, keys.audit(), { maxEntries: 1000, names });
    // Slack sends a command's text with &, < and > escaped.
    const command = 'maintain worker-1 --reason "kernel &amp; firmware &lt;5.15&gt;"';
    const request = { requestId: 'r-abcdefgh2345', cluster: 'prod', command };
    await log.record({ ...request, event: 'requested', user: 'UALICE', outcome: 'awaiting-approval' });
    await log.record({ ...request, event: 'approved', user: 'UBOB', phase: 'start', outcome: 'approved' });
    // An entry of an older version: a job's thread reply, with its Slack text; no longer listed.
    await redis.xadd(
      keys.audit(),
      '*',
      ...['event', 'job-step', 'requestId', 'r-abcdefgh2345', 'user', 'UALICE', 'cluster', 'prod'],
      ...['outcome', 'reply', 'detail', '*Drain finished*: `worker-1` drained by <@UALICE>'],
    );
    await log.record({
      ...request,
      event: 'job-finished',
      user: 'UALICE',
      outcome: 'cancelled',
      detail: 'by <@UBOB> while it ran',
    });
    await log.record({
      event: 'refused',
      requestId: 'r-bcdefghi3456',
      user: 'UDAVE',
      cluster: 'staging',
      command: 'nodes',
      outcome: 'not-requester',
      detail: 'not among those who may ask for nodes on staging',
    });
    // An older entry, written before names were stored: its id stands in.
    await redis.xadd(
      keys.audit(),
      '*',
      ...['event', 'refused', 'requestId', 'r-cdefghij4567', 'user', 'UCAROL', 'cluster', 'prod'],
      ...['command', 'cordon worker-2', 'outcome', 'not-requester'],
    );
  });
  afterAll(async () => {
    redis.disconnect();
    await standIn.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[]) {
    let out = '';
    let err = '';
    const code = await runAudit(args, { out: (t) => (out += t), err: (t) => (err += t), env });
    return { code, out, err };
  }

  it('prints one line per event, oldest first, with names and plain text, without Slack credentials', async () => {
    const { code, out, err } = await run(['--since', '1h']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME \(UTC\) +REQUEST +USER +CLUSTER +WHAT +COMMAND +DETAIL$/);
    const maintain = 'maintain worker-1 --reason "kernel & firmware <5.15>"';
    expect(lines.slice(1).map((l) => l.split(/\s{3,}/))).toEqual([
      [expect.any(String), 'r-abcdefgh2345', 'alice', 'prod', 'requested: awaiting-approval', maintain],
      [expect.any(String), 'r-abcdefgh2345', 'bob', 'prod', 'approved', maintain],
      [
        expect.any(String),
        'r-abcdefgh2345',
        'alice',
        'prod',
        'finished: cancelled',
        maintain,
        'by bob while it ran',
      ],
      [
        expect.any(String),
        'r-bcdefghi3456',
        'dave',
        'staging',
        'refused: not-requester',
        'nodes',
        'not among those who may ask for nodes on staging',
      ],
      [expect.any(String), 'r-cdefghij4567', 'UCAROL', 'prod', 'refused: not-requester', 'cordon worker-2'],
    ]);
    for (const line of lines.slice(1)) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {3}r-/);
    // Columns line up: every line's request id starts where the header's REQUEST does.
    const at = lines[0]?.indexOf('REQUEST');
    for (const line of lines.slice(1)) expect(line.indexOf('r-')).toBe(at);
    expect(out).not.toMatch(/&amp;|&lt;|&gt;|<@|<!|`|\*/);
  });

  it('prints JSON with the ids and the names, filtered by cluster', async () => {
    const { code, out } = await run(['--since', '24h', '--format', 'json', '--cluster', 'prod']);
    expect(code).toBe(0);
    const records = JSON.parse(out) as Array<{ event: string; user: string; userName?: string; id: string }>;
    expect(records.map((r) => `${r.event} ${r.user} ${r.userName ?? '-'}`)).toEqual([
      'requested UALICE alice',
      'approved UBOB bob',
      'job-finished UALICE alice',
      'refused UCAROL -',
    ]);
    expect(records[0]?.id).toMatch(/^\d+-\d+$/);
  });

  it('asks Slack again for a name it could not give the last time', async () => {
    // A fresh prefix: nothing cached in Redis for this lookup.
    const names = new SlackUserNames(
      () => createWebClient('xoxb-audit-cli', pino({ level: 'silent' }), standIn.apiUrl),
      redis,
      new Keys(`${prefix}-again`),
    );
    standIn.faults.inject({ method: 'users.info', kind: 'refused', times: 1 });
    expect(await names.nameOf('UBOB')).toBeUndefined();
    expect(await names.nameOf('UBOB')).toMatch(/bob/i);
  });

  it('says what is wrong with its arguments and exits 2', async () => {
    const { code, err } = await run(['--since', 'yesterday', '--format', 'xml']);
    expect(code).toBe(2);
    expect(err).toContain('--since must be a duration such as 90m, 24h or 7d, not "yesterday"');
    expect(err).toContain('--format must be table or json, not "xml"');
  });
});
