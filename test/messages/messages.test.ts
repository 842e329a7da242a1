import { parseCommand as parse } from '../../src/commands/parse.js';
import { clustersMessage } from '../../src/messages/clusters-list.js';
import {
  commandNotRecorded,
  commandWithoutUser,
  mistakenRequest,
} from '../../src/messages/command-refusals.js';
import { jobsMessage } from '../../src/messages/jobs-list.js';
import { nodesReply } from '../../src/messages/nodes-reply.js';
import { requestCard } from '../../src/messages/request-card.js';
import {
  cancelledBeforeStartLine,
  cancelledWhileRunningLine,
  cancelledWhileWaitingLine,
  failedAfterAttemptsLine,
  jobLostLine,
  unreadableRequestLine,
} from '../../src/messages/request-lines.js';
import { notRunningAnswer, steerRefusalMessage } from '../../src/messages/steer-refusal.js';
import { helpMessage, usageMessage } from '../../src/messages/usage.js';
import { versionsReply } from '../../src/messages/versions-reply.js';
import { COMMANDS, type Command } from '../../src/operations/registry.js';
import type { NodeRow } from '../../src/ops/nodes/list-nodes.js';
import { kubeletVerdict } from '../../src/ops/versions/version-skew.js';
import { expectGolden } from '../support/golden.js';
import { expectWithinSlackLimits } from '../support/slack-limits.js';

const parseCommand = (text: string) => parse<Command>(text, COMMANDS);

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
  it('a command that names no user', () => {
    expectGolden(import.meta.url, 'command-without-user', commandWithoutUser());
  });

  it('a request that was its author mistake, told to them alone', () => {
    expectGolden(
      import.meta.url,
      'mistaken-request',
      mistakenRequest(
        '/bosun cordon wroker-4',
        'There is no node `wroker-4` on this cluster.',
        'Did you mean `worker-4` for `wroker-4`?',
      ),
    );
  });

  it('a command Redis did not record in time', () => {
    expectGolden(
      import.meta.url,
      'command-not-recorded',
      commandNotRecorded('Redis did not answer within 1500 ms'),
    );
  });

  it('request card while running', () => {
    const card = requestCard({
      requestId: 'r-abcdefgh2345',
      text: 'drain worker-1',
      slash: '/bosun',
      user: 'UALICE',
      cluster: 'prod',
      state: 'running',
      detail: 'worker-1: 12/16 evicted · 3 terminating · 1 blocked',
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
    // In the channel it is one message: the table on the request's card, no thread to open.
    const card = requestCard({
      requestId: 'r-nodes0000001',
      text: 'nodes',
      slash: '/bosun',
      user: 'UBOB',
      cluster: 'prod',
      state: 'succeeded',
      detail: '4 nodes, 3 Ready',
      answer: reply.message.blocks,
      thread: false,
    });
    expectWithinSlackLimits(card);
    expect(JSON.stringify(card.blocks)).toContain('worker-1');
    expect(JSON.stringify(card.blocks)).not.toContain('thread');
    expectGolden(import.meta.url, 'nodes-card', card);
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
    expectGolden(import.meta.url, 'usage-unknown-command', usageMessage(parsed.error, COMMANDS, '/bosun'));
    const flag = parseCommand('drain worker-1 --grace 30');
    if (flag.ok) throw new Error('accepted');
    const message = usageMessage(flag.error, COMMANDS, '/bosun');
    expect(message.text).toContain('Did you mean --grace-period?');
    expect(message.text).toContain('Usage: /bosun drain <node…> [--cluster NAME]');
  });

  it('help, overall and for one command', () => {
    expectGolden(import.meta.url, 'help', helpMessage(COMMANDS, '/bosun'));
    expectGolden(import.meta.url, 'help-drain', helpMessage(COMMANDS, '/bosun', 'drain'));
    // maintain takes the drain's options for its drain.
    expectGolden(import.meta.url, 'help-maintain', helpMessage(COMMANDS, '/bosun', 'maintain'));
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

  it('versions: the API server, each kubelet version with its nodes, and the skew verdict', () => {
    const group = (version: string, nodes: string[]) => ({
      version,
      nodes,
      ...kubeletVerdict('v1.31.4', version),
    });
    const within = versionsReply('prod', {
      apiServer: 'v1.31.4',
      kubelets: [group('v1.31.4', ['control-plane-1', 'worker-1']), group('v1.30.9', ['worker-2'])],
      withinSkew: true,
    });
    expect(within.text).toBe('prod: API server v1.31.4; all kubelets within skew');
    expectWithinSlackLimits(within);
    expectGolden(import.meta.url, 'versions-within-skew', within);
    const out = versionsReply('prod', {
      apiServer: 'v1.31.4',
      kubelets: [
        group('v1.31.5', ['worker-9']),
        group('v1.31.4', ['control-plane-1']),
        group('v1.27.3', ['worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5']),
      ],
      withinSkew: false,
    });
    const shown = JSON.stringify(out.blocks);
    expect(shown).toContain('NEWER than the API server');
    expect(shown).toContain('4 minors behind: OUT OF SKEW');
    expect(shown).toContain('worker-4 +1');
    expectGolden(import.meta.url, 'versions-out-of-skew', out);
  });

  it('lifecycle lines: who cancelled, what could not run, and why it failed', () => {
    expect(cancelledBeforeStartLine('UBOB').text).toBe(
      'Cancelled by <@UBOB> before it started. Nothing was changed.',
    );
    expectGolden(import.meta.url, 'request-cancelled-before-start', cancelledBeforeStartLine('UBOB'));
    expectGolden(import.meta.url, 'request-cancelled-while-waiting', cancelledWhileWaitingLine('UBOB'));
    expectGolden(import.meta.url, 'request-cancelled-while-running', cancelledWhileRunningLine('UBOB'));
    expectGolden(
      import.meta.url,
      'request-unreadable',
      unreadableRequestLine('it names an operation this worker does not know (`upgrade`)', '/bosun'),
    );
    expectGolden(
      import.meta.url,
      'request-failed-after-attempts',
      failedAfterAttemptsLine(4, 'connect ECONNREFUSED'),
    );
    expectGolden(import.meta.url, 'request-job-lost-running', jobLostLine(true, '/bosun'));
    expectGolden(import.meta.url, 'request-job-lost-waiting', jobLostLine(false, '/bosun'));
  });

  it('steering refusals say which rule refused and change nothing', () => {
    const refusals = [
      { reason: 'not-requester', command: 'drain', cluster: 'prod' },
      { reason: 'own-request' },
      { reason: 'not-approver' },
      { reason: 'group-lookup-failed', groupId: 'S0SRE' },
    ] as const;
    const messages = refusals.map((r) => steerRefusalMessage(r));
    for (const message of messages) expect(message.text).toMatch(/Nothing was changed\.$/);
    expectGolden(import.meta.url, 'steer-refusals', messages);
  });

  it('a button of a request that is not running says what became of it, and when', () => {
    const at = Date.UTC(2026, 11, 7, 1, 53);
    const base = { id: 'r-ended0000001', updatedAt: at, command: { name: 'drain' } };
    const answers = [
      notRunningAnswer({
        ...base,
        state: 'succeeded',
        summary: 'worker-1 drained; 3 of 3 pods evicted in 4s',
      }),
      notRunningAnswer({ ...base, state: 'cancelled' }),
      notRunningAnswer({ ...base, state: 'queued' }),
    ];
    expect(answers[0]?.text).toMatch(
      /^This drain \(r-ended0000001\) already finished at .*2026-12-07 01:53 UTC.* \(worker-1 drained; 3 of 3 pods evicted in 4s\); nothing was changed\.$/,
    );
    for (const answer of answers) expect(answer.text).toMatch(/nothing was changed\.$/);
    expectGolden(import.meta.url, 'steer-not-running', answers);
  });
});
