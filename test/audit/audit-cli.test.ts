import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/audit-log.js';
import { runAudit } from '../../src/main/audit.js';
import { producerConnection, type RedisClient } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { testPrefix, testRedis, testRedisUrl } from '../support/redis.js';

describe('bosun audit on the command line', () => {
  let redis: RedisClient;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const prefix = testPrefix(import.meta.url);

  beforeAll(async () => {
    redis = producerConnection(testRedis());
    dir = await mkdtemp(join(tmpdir(), 'bosun-audit-cli-'));
    const file = join(dir, 'bosun.yaml');
    await writeFile(file, `redis: { prefix: ${prefix} }\n`);
    env = { BOSUN_CONFIG: file, REDIS_URL: testRedisUrl() };
    const log = new AuditLog(redis, new Keys(prefix).audit(), { maxEntries: 1000 });
    await log.record({
      event: 'requested',
      requestId: 'r-abcdefgh2345',
      user: 'UALICE',
      cluster: 'prod',
      command: 'drain worker-1',
      outcome: 'awaiting-approval',
    });
    await log.record({
      event: 'approved',
      requestId: 'r-abcdefgh2345',
      user: 'UBOB',
      cluster: 'prod',
      command: 'drain worker-1',
      phase: 'start',
      outcome: 'approved',
    });
    await log.record({
      event: 'refused',
      requestId: 'r-bcdefghi3456',
      user: 'UDAVE',
      cluster: 'staging',
      command: 'nodes',
      outcome: 'not-requester',
    });
  });
  afterAll(async () => {
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[]) {
    let out = '';
    let err = '';
    const code = await runAudit(args, { out: (t) => (out += t), err: (t) => (err += t), env });
    return { code, out, err };
  }

  it('prints a table, oldest first, without needing Slack credentials', async () => {
    const { code, out, err } = await run(['--since', '1h']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME \(UTC\)\s+REQUEST\s+USER/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(1, 6))).toEqual([
      ['r-abcdefgh2345', 'UALICE', 'prod', 'requested', 'awaiting-approval'],
      ['r-abcdefgh2345', 'UBOB', 'prod', 'approved', 'approved'],
      ['r-bcdefghi3456', 'UDAVE', 'staging', 'refused', 'not-requester'],
    ]);
  });

  it('prints JSON, filtered by cluster', async () => {
    const { code, out } = await run(['--since', '24h', '--format', 'json', '--cluster', 'prod']);
    expect(code).toBe(0);
    const records = JSON.parse(out) as Array<{ event: string; user: string; at: number; id: string }>;
    expect(records.map((r) => `${r.event} ${r.user}`)).toEqual(['requested UALICE', 'approved UBOB']);
    expect(records[0]?.id).toMatch(/^\d+-\d+$/);
  });

  it('says what is wrong with its arguments and exits 2', async () => {
    const { code, err } = await run(['--since', 'yesterday', '--format', 'xml']);
    expect(code).toBe(2);
    expect(err).toContain('--since must be a duration such as 90m, 24h or 7d, not "yesterday"');
    expect(err).toContain('--format must be table or json, not "xml"');
  });
});
