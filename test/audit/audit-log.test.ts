import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { JsonLinesMirror } from '../../src/audit/jsonl-mirror.js';
import { SlackUserNames } from '../../src/audit/slack-user-names.js';
import { auditTable } from '../../src/messages/audit-table.js';
import { producerConnection, type RedisClient } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { testPrefix, testRedis } from '../support/redis.js';

const entry = (extra: Partial<AuditEntry>): AuditEntry => ({
  event: 'requested',
  requestId: 'r-abcdefgh2345',
  user: 'UALICE',
  cluster: 'prod',
  command: 'drain worker-1',
  outcome: 'awaiting-approval',
  ...extra,
});

describe('the audit log', () => {
  let redis: RedisClient;
  let dir: string;

  beforeAll(async () => {
    redis = producerConnection(testRedis());
    dir = await mkdtemp(join(tmpdir(), 'bosun-audit-'));
  });
  afterAll(async () => {
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('appends entries to a stream and mirrors each one as a JSON line', async () => {
    const file = join(dir, 'nested', 'audit.jsonl');
    const mirror = new JsonLinesMirror(file, (error) => {
      throw error;
    });
    const log = new AuditLog(redis, new Keys(testPrefix(import.meta.url)).audit(), {
      maxEntries: 1000,
      mirror,
    });
    const first = await log.record(entry({}));
    const second = await log.record(
      entry({ event: 'approved', user: 'UBOB', outcome: 'approved', phase: 'start', detail: 'by UBOB' }),
    );
    expect(first.at).toBeLessThanOrEqual(second.at);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([first, second]);
    const { records, truncated } = await log.list({ sinceSeconds: 3600 });
    expect(records).toEqual([first, second]);
    expect(truncated).toBe(false);
  });

  it('lists by cluster and request, newest kept when there are more than the limit', async () => {
    const log = new AuditLog(redis, new Keys(testPrefix(import.meta.url)).audit(), { maxEntries: 1000 });
    for (let i = 0; i < 7; i++) {
      await log.record(entry({ requestId: `r-abcdefgh234${i}`, cluster: i % 2 === 0 ? 'prod' : 'staging' }));
    }
    const prod = await log.list({ sinceSeconds: 3600, clusters: ['prod'] });
    expect(prod.records.map((r) => r.requestId)).toEqual([
      'r-abcdefgh2340',
      'r-abcdefgh2342',
      'r-abcdefgh2344',
      'r-abcdefgh2346',
    ]);
    const limited = await log.list({ sinceSeconds: 3600, limit: 2 });
    expect(limited.records.map((r) => r.requestId)).toEqual(['r-abcdefgh2345', 'r-abcdefgh2346']);
    expect(limited.truncated).toBe(true);
    const one = await log.list({ sinceSeconds: 3600, requestId: 'r-abcdefgh2343' });
    expect(one.records).toHaveLength(1);
    expect(auditTable(one.records)).toMatch(
      /^TIME \(UTC\)\s+REQUEST\s+USER\s+CLUSTER\s+WHAT\s+COMMAND\s+DETAIL\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+r-abcdefgh2343\s+UALICE\s+staging\s+requested: awaiting-approval\s+drain worker-1\n$/,
    );
  });

  it('writes the entry without a name when Slack cannot be reached, and keeps details short plain text', async () => {
    const keys = new Keys(testPrefix(import.meta.url));
    // Nothing listens on port 1: every lookup fails at once.
    const names = new SlackUserNames(
      () => createWebClient('xoxb-unused', pino({ level: 'silent' }), 'http://127.0.0.1:1/api/'),
      redis,
      keys,
    );
    const log = new AuditLog(redis, keys.audit(), { maxEntries: 1000, names });
    const written = await log.record(
      entry({
        requestId: 'r-nonamexyz234',
        event: 'job-finished',
        outcome: 'failed',
        detail: `*Drain failed* on \`worker-1\` for <@UBOB>: ${'the eviction was refused; '.repeat(20)}`,
      }),
    );
    expect(written.userName).toBeUndefined();
    expect(written.detail).toMatch(/^Drain failed on worker-1 for UBOB: the eviction was refused; /);
    expect(written.detail?.length).toBe(200);
    expect(written.detail?.endsWith('…')).toBe(true);
    const { records } = await log.list({ sinceSeconds: 3600, requestId: 'r-nonamexyz234' });
    expect(records).toEqual([written]);
  });

  it('keeps about maxEntries entries (MAXLEN ~)', async () => {
    const key = new Keys(testPrefix(import.meta.url)).audit();
    const log = new AuditLog(redis, key, { maxEntries: 1000 });
    for (let i = 0; i < 1500; i++)
      await log.record(entry({ requestId: `r-trim${String(i).padStart(8, '0')}` }));
    const length = await redis.xlen(key);
    expect(length).toBeGreaterThanOrEqual(1000);
    expect(length).toBeLessThan(1500);
  });
});
