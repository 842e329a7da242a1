import { pino } from 'pino';
import { createWebClient } from '../../src/adapters/slack/web-client.js';
import { RedisGroupCache } from '../../src/approvals/redis-group-cache.js';
import { slackUsergroups } from '../../src/approvals/slack-usergroups.js';
import { CachedGroupMembers, GroupLookupError } from '../../src/policy/group-members.js';
import { producerConnection, type RedisClient } from '../../src/queue/connection.js';
import { Keys } from '../../src/queue/keys.js';
import { type SlackStandIn, startSlackStandIn } from '../../src/sandbox/slack/index.js';
import { HandClock } from '../approvals/support/approval-rig.js';
import { testPrefix, testRedis } from '../support/redis.js';

describe('user groups, looked up in Slack and cached in Redis', () => {
  let standIn: SlackStandIn;
  let redis: RedisClient;
  const keys = new Keys(testPrefix(import.meta.url));
  const clock = new HandClock();

  beforeAll(async () => {
    standIn = await startSlackStandIn({
      signingSecret: 'groups-test',
      botToken: 'xoxb-groups',
      delivery: { mode: 'http', url: 'http://127.0.0.1:1/slack/events' },
      usergroups: [{ id: 'SSRE', handle: 'sre', users: ['UALICE', 'UBOB'] }],
    });
    redis = producerConnection(testRedis());
  });
  afterAll(async () => {
    redis.disconnect();
    await standIn.stop();
  });

  const members = () =>
    new CachedGroupMembers(
      slackUsergroups(() => createWebClient('xoxb-groups', pino({ level: 'silent' }), standIn.apiUrl)),
      new RedisGroupCache(redis, keys),
      clock,
    );

  it('asks Slack once, then answers from Redis for five minutes', async () => {
    const calls = standIn.callCount('usergroups.users.list');
    expect(await members().members('SSRE')).toEqual(['UALICE', 'UBOB']);
    expect(await members().members('SSRE')).toEqual(['UALICE', 'UBOB']);
    expect(standIn.callCount('usergroups.users.list')).toBe(calls + 1);
    clock.advance(5 * 60_000);
    await members().members('SSRE');
    expect(standIn.callCount('usergroups.users.list')).toBe(calls + 2);
  });

  it('keeps using what it knew when Slack fails, and says so when it knew nothing', async () => {
    clock.advance(10 * 60_000);
    standIn.faults.inject({ method: 'usergroups.users.list', kind: 'server_error', times: 2 });
    expect(await members().members('SSRE')).toEqual(['UALICE', 'UBOB']);
    await expect(members().members('SNOSUCH')).rejects.toBeInstanceOf(GroupLookupError);
    standIn.faults.clear();
  });
});
