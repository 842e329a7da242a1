import { parseCommand } from '../../src/commands/parse.js';
import { clustersMessage } from '../../src/messages/clusters-list.js';
import { jobsMessage } from '../../src/messages/jobs-list.js';
import { nodesReply } from '../../src/messages/nodes-reply.js';
import { requestCard } from '../../src/messages/request-card.js';
import { helpMessage, usageMessage } from '../../src/messages/usage.js';
import type { NodeRow } from '../../src/ops/nodes/list-nodes.js';
import { expectGolden } from '../support/golden.js';
import { expectWithinSlackLimits } from '../support/slack-limits.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

const node = (i: number, extra: Partial<NodeRow> = {}): NodeRow => ({
  name: `worker-${i}`,
  status: 'Ready',
  roles: '<none>',
  age: '12d',
  version: 'v1.31.4',
  ...extra,
});

describe('Slack messages', () => {
  it('request card while running', () => {
    const card = requestCard({
      requestId: 'r-abcdefgh2345',
      text: 'drain worker-1',
      slash: '/bosun',
      user: 'UALICE',
      cluster: 'prod',
      state: 'running',
      detail: '12 evicted, 3 remaining, 1 blocked',
    });
    expectGolden(import.meta.url, 'card-running', card);
    expectWithinSlackLimits(card);
  });

  it('request card escapes what the user typed', () => {
    const card = requestCard({
      requestId: 'r-abcdefgh2345',
      text: 'nodes <!channel> & more',
      slash: '/bosun',
      user: 'UBOB',
      state: 'failed',
    });
    const section = JSON.stringify(card.blocks?.[0]);
    expect(section).toContain('nodes &lt;!channel&gt; &amp; more');
    expect(section).not.toContain('<!channel>');
  });

  it('nodes reply as kubectl prints them', () => {
    const rows = [
      { name: 'control-plane-1', status: 'Ready', roles: 'control-plane', age: '30d', version: 'v1.31.4' },
      node(1),
      node(2, { status: 'Ready,SchedulingDisabled' }),
      node(3, { status: 'NotReady', version: 'v1.30.9' }),
    ];
    const reply = nodesReply('prod', rows);
    expectGolden(import.meta.url, 'nodes-short', reply);
    expect(reply.attachment).toBeUndefined();
    expect(reply.message.text).toContain(
      'NAME              STATUS                     ROLES           AGE   VERSION',
    );
  });

  it('a long node list is summarized, Not Ready nodes shown, and the whole list attached', () => {
    const rows = Array.from({ length: 120 }, (_, i) =>
      node(i + 1, i % 50 === 7 ? { status: 'NotReady', version: 'v1.30.9' } : {}),
    );
    const reply = nodesReply('prod', rows);
    expectWithinSlackLimits(reply.message);
    expect(reply.attachment?.content.split('\n').filter(Boolean)).toHaveLength(121);
    expect(JSON.stringify(reply.message.blocks)).toContain('worker-58');
    expectGolden(import.meta.url, 'nodes-long', reply.message);
  });

  it('usage error with a did-you-mean hint', () => {
    const parsed = parseCommand('drian worker-1');
    if (parsed.ok) throw new Error('accepted');
    expectGolden(import.meta.url, 'usage-unknown-command', usageMessage(parsed.error, '/bosun'));
    const flag = parseCommand('drain worker-1 --grace 30');
    if (flag.ok) throw new Error('accepted');
    const message = usageMessage(flag.error, '/bosun');
    expect(message.text).toContain('Did you mean --grace-period?');
    expect(message.text).toContain('Usage: /bosun drain <node…> [--cluster NAME]');
  });

  it('help, overall and for one command', () => {
    expectGolden(import.meta.url, 'help', helpMessage('/bosun'));
    expectGolden(import.meta.url, 'help-drain', helpMessage('/bosun', 'drain'));
  });

  it('jobs list and clusters list', () => {
    const jobs = jobsMessage(
      [
        {
          id: 'r-abcdefgh2345',
          channel: 'COPS',
          user: 'UALICE',
          text: 'nodes',
          cluster: 'prod',
          requestedAt: NOW - 90_000,
          state: 'succeeded',
          updatedAt: NOW,
        },
        {
          id: 'r-bcdefghi3456',
          channel: 'COPS',
          user: 'UBOB',
          text: 'drain worker-2',
          cluster: 'prod',
          requestedAt: NOW - 3_600_000,
          state: 'running',
          updatedAt: NOW,
        },
      ],
      NOW,
      '/bosun',
    );
    expectGolden(import.meta.url, 'jobs', jobs);
    expectGolden(
      import.meta.url,
      'clusters',
      clustersMessage(
        [
          { name: 'prod', isDefault: true },
          { name: 'staging', isDefault: false },
        ],
        '/bosun',
      ),
    );
  });
});
