import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../src/main/audit.js';
import { APPROVE_ACTION } from '../../src/messages/approval-card.js';
import { notice } from '../../src/messages/notice.js';
import {
  type ApprovalRig,
  buttonsOf,
  probeOperation,
  startApprovalRig,
} from '../approvals/support/approval-rig.js';
import { testRedisUrl } from '../support/redis.js';

const USERS = [
  { id: 'UALICE', name: 'alice', realName: 'Alice Operator' },
  { id: 'UBOB', name: 'bob', realName: 'Bob Operator' },
  { id: 'UDAVE', name: 'dave', realName: 'Dave Visitor' },
];

/**
 * The audit after a real approved request, a refused one and a cancelled one, read the two ways people read
 * it: `/bosun audit` in Slack and `bosun audit` on the command line. The job replies in its thread and reports
 * progress like a drain does; none of that is in the audit, only the events that matter, with names.
 */
describe('the audit tells what happened, one line per event', () => {
  let rig: ApprovalRig;
  let dir: string;

  beforeAll(async () => {
    rig = await startApprovalRig(import.meta.url, {
      policy: {
        rules: [
          {
            commands: ['nodes'],
            approvals: 1,
            requesters: { users: ['UALICE', 'UBOB'] },
            approvers: { users: ['UALICE', 'UBOB'] },
          },
        ],
      },
      operations: {
        nodes: probeOperation(async (ctx) => {
          await ctx.reply(notice('info', '*worker-1* cordoned; evicting `5` pods'));
          await ctx.progress('worker-1: 3/5 evicted · 2 terminating');
          await ctx.reply(notice('success', '*Drain finished*: worker-1 drained'));
          return { summary: 'worker-1 drained; 5 of 5 pods evicted in 2s' };
        }),
      },
      users: USERS,
    });
    await rig.startWorker();
    dir = await mkdtemp(join(tmpdir(), 'bosun-audit-story-'));
  });
  afterAll(async () => {
    await rig.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists requested, denied, approved, started, finished, refused and cancelled, with names', async () => {
    const drain = await rig.command('nodes', 'UALICE');
    const card = await rig.card(drain.requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UALICE' });
    await rig.waitFor(
      () => rig.ephemeralsFor('UALICE').find((m) => m.requestId === drain.requestId),
      "alice's own approval turned away",
    );
    await rig.standIn.click({ ts: card.ts, actionId: APPROVE_ACTION, user: 'UBOB' });
    await rig.card(drain.requestId, (c) => c.text.includes('Done'));
    await rig.threadLine(drain.requestId, 'Drain finished');

    const refused = await rig.command('nodes', 'UDAVE');
    await rig.waitFor(
      () => rig.ephemeralsFor('UDAVE').find((m) => m.requestId === refused.requestId),
      "dave's refusal",
    );

    const waiting = await rig.command('nodes', 'UALICE');
    await rig.card(waiting.requestId, (c) => buttonsOf(c).includes(APPROVE_ACTION));
    const notHis = await rig.command(`cancel ${waiting.requestId}`, 'UDAVE');
    await rig.waitFor(
      () => rig.ephemeralsFor('UDAVE').find((m) => m.requestId === notHis.requestId),
      "dave's cancel turned away",
    );
    await rig.command(`cancel ${waiting.requestId}`, 'UBOB');
    await rig.card(waiting.requestId, (c) => c.text.includes('Cancelled'));

    // In Slack: people as mentions (Slack shows their names), times as Slack dates.
    const asked = await rig.command('audit --since 1h', 'UALICE');
    const listing = await rig.waitFor(
      () => rig.ephemeralsFor('UALICE').find((m) => m.requestId === asked.requestId),
      'the audit listing',
    );
    const slackLines = listing.blocks
      .flatMap((b) => String((b.text as { text?: string } | undefined)?.text ?? '').split('\n'))
      .filter((l) => l.startsWith('<!date^'))
      .map((l) => l.replace(/^<!date\^[^>]*> /, ''));
    const [d, r, w] = [drain.requestId, refused.requestId, waiting.requestId];
    expect(slackLines).toEqual([
      `<@UALICE> :inbox_tray: requested: awaiting-approval \`nodes\` \`${d}\` — needs 1 approval from others; expires in 30m`,
      `<@UALICE> :no_entry: denied: own-request \`nodes\` \`${d}\` — tried to approve`,
      `<@UBOB> :white_check_mark: approved \`nodes\` \`${d}\``,
      `<@UALICE> :arrow_forward: started \`nodes\` \`${d}\``,
      `<@UALICE> :checkered_flag: finished: succeeded \`nodes\` \`${d}\` — worker-1 drained; 5 of 5 pods evicted in 2s`,
      `<@UDAVE> :no_entry_sign: refused: not-requester \`nodes\` \`${r}\` — not among those who may ask for nodes on prod`,
      `<@UALICE> :inbox_tray: requested: awaiting-approval \`nodes\` \`${w}\` — needs 1 approval from others; expires in 30m`,
      `<@UDAVE> :no_entry_sign: refused: not-allowed-to-cancel \`cancel ${w}\` \`${w}\` — cancel of ${w}, asked for by alice`,
      `<@UBOB> :no_entry_sign: cancelled \`nodes\` \`${w}\` — while waiting for approval`,
    ]);

    // On the command line: names as they were stored, plain text, one line per event.
    const file = join(dir, 'bosun.yaml');
    await writeFile(file, `redis: { prefix: ${rig.prefix} }\n`);
    let out = '';
    const code = await runAudit(['--since', '1h'], {
      out: (t) => (out += t),
      err: (t) => {
        throw new Error(t);
      },
      env: { BOSUN_CONFIG: file, REDIS_URL: testRedisUrl() },
    });
    expect(code).toBe(0);
    const rows = out
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s{3,}/).slice(1));
    const awaiting = 'needs 1 approval from others; expires in 30m';
    expect(rows).toEqual([
      [d, 'alice', 'prod', 'requested: awaiting-approval', 'nodes', awaiting],
      [d, 'alice', 'prod', 'denied: own-request', 'nodes', 'tried to approve'],
      [d, 'bob', 'prod', 'approved', 'nodes'],
      [d, 'alice', 'prod', 'started', 'nodes'],
      [d, 'alice', 'prod', 'finished: succeeded', 'nodes', 'worker-1 drained; 5 of 5 pods evicted in 2s'],
      [r, 'dave', 'prod', 'refused: not-requester', 'nodes', 'not among those who may ask for nodes on prod'],
      [w, 'alice', 'prod', 'requested: awaiting-approval', 'nodes', awaiting],
      [
        w,
        'dave',
        'prod',
        'refused: not-allowed-to-cancel',
        `cancel ${w}`,
        `cancel of ${w}, asked for by alice`,
      ],
      [w, 'bob', 'prod', 'cancelled', 'nodes', 'while waiting for approval'],
    ]);
    // Stored as listed: the job's thread replies and progress are not written to the audit at all.
    const stored = await rig.redis.xrange(rig.keys.audit(), '-', '+');
    expect(
      stored.filter(([, fields]) => fields.includes(d)).map(([, f]) => f[f.indexOf('event') + 1]),
    ).toEqual(['requested', 'denied', 'approved', 'job-started', 'job-finished']);
  }, 60_000);
});
