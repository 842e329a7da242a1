import type { ApprovalRecord } from '../../src/approvals/approval-record.js';
import type { AuditRecord } from '../../src/audit/audit-entry.js';
import { ChangeWindowSchema } from '../../src/config/policy-schema.js';
import { type ApprovalCardView, approvalCard, approvedByLine } from '../../src/messages/approval-card.js';
import {
  approvalGone,
  decisionNotRecorded,
  foreignButton,
  staleApprovalButton,
  strayButton,
} from '../../src/messages/approval-click-answers.js';
import { closedApprovalAnswer, decisionDenial, requestRefusal } from '../../src/messages/approval-denial.js';
import { rejectModal } from '../../src/messages/approval-reject-modal.js';
import { approvalThreadMessage } from '../../src/messages/approval-thread.js';
import { auditFileComment, auditFileFailed, auditListing } from '../../src/messages/audit-listing.js';
import { auditTable } from '../../src/messages/audit-table.js';
import { type CardView, requestCard } from '../../src/messages/request-card.js';
import { checkChangeWindows } from '../../src/policy/change-window.js';
import { effectivePolicy } from '../../src/policy/effective-policy.js';
import { expectGolden } from '../support/golden.js';
import { expectWithinSlackLimits } from '../support/slack-limits.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

const view = (extra: Partial<ApprovalCardView> = {}): ApprovalCardView => ({
  requestId: 'r-abcdefgh2345',
  text: 'drain worker-1',
  slash: '/bosun',
  requester: 'UALICE',
  cluster: 'prod',
  phase: 'start',
  summary: '/bosun drain worker-1',
  preview: [
    '*Will evict 12 pods* from worker-1: web (3), api (2), …',
    '*PDB* `web` allows 1 disruption now.',
  ],
  needed: 2,
  selfApproval: false,
  votes: [{ user: 'UBOB', at: NOW - 60_000 }],
  expiresAt: NOW + 29 * 60_000,
  state: 'pending',
  ref: 'r-abcdefgh2345/start',
  ...extra,
});

const record = (extra: Partial<ApprovalRecord> = {}): ApprovalRecord => ({
  requestId: 'r-abcdefgh2345',
  phase: 'start',
  channel: 'COPS',
  requester: 'UALICE',
  cluster: 'prod',
  text: 'drain worker-1',
  summary: '/bosun drain worker-1',
  needed: 1,
  selfApproval: false,
  approvers: { users: ['UALICE', 'UBOB'], groups: ['SSRE'] },
  createdAt: NOW - 60_000,
  expiresAt: NOW + 29 * 60_000,
  state: 'pending',
  votes: [],
  ...extra,
});

describe('approval messages', () => {
  it('the approval card while it waits: what will happen, who asked, how many approvals, the buttons', () => {
    const card = approvalCard(view());
    expectGolden(import.meta.url, 'approval-card-pending', card);
    expectWithinSlackLimits(card);
  });

  it('once decided the buttons give way to who decided and when', () => {
    const approved = approvalCard(
      view({
        state: 'approved',
        votes: [
          { user: 'UBOB', at: NOW - 60_000 },
          { user: 'UCAROL', at: NOW },
        ],
        decidedAt: NOW,
      }),
    );
    expectGolden(import.meta.url, 'approval-card-approved', approved);
    const rejected = approvalCard(
      view({ state: 'rejected', decidedBy: 'UBOB', decidedAt: NOW, reason: 'not now <!channel> & later' }),
    );
    expectGolden(import.meta.url, 'approval-card-rejected', rejected);
    expect(JSON.stringify(rejected)).not.toContain('<!channel>');
    expect(JSON.stringify(rejected)).not.toContain('"actions"');
    // What it would have done is stale once nobody will do it: folded away.
    expect(JSON.stringify(rejected)).not.toContain('Will evict');
    const cancelled = approvalCard(view({ state: 'cancelled', decidedBy: 'UALICE', decidedAt: NOW }));
    expectGolden(import.meta.url, 'approval-card-cancelled', cancelled);
    expect(JSON.stringify(cancelled.blocks)).toContain('*Cancelled* by <@UALICE> <!date^');
    expect(JSON.stringify(cancelled.blocks)).not.toContain('Will evict');
    expect(JSON.stringify(approved)).toContain('Will evict');
  });

  it('a request that ended says when on its card', () => {
    const ended: CardView = {
      requestId: 'r-abcdefgh2345',
      text: 'drain worker-1',
      slash: '/bosun',
      user: 'UALICE',
      cluster: 'prod',
      state: 'succeeded',
      detail: 'worker-1 drained; 3 of 3 pods evicted in 12.0s',
      sections: [approvedByLine(['UBOB'], NOW - 60_000)],
      endedAt: NOW,
    };
    const done = requestCard(ended);
    expectGolden(import.meta.url, 'request-card-done', done);
    expect(JSON.stringify(done.blocks)).toContain(`Done* <!date^${NOW / 1000}^`);
    const running = requestCard({ ...ended, state: 'running' });
    expect(JSON.stringify(running.blocks?.[0])).not.toContain('<!date^');
  });

  it('an approval in the middle of a job says which phase and asks the question', () => {
    const card = approvalCard(
      view({
        phase: 'workers',
        summary: 'Control plane upgraded to v1.32.1; continue to the 12 workers?',
        preview: undefined,
        needed: 1,
        selfApproval: true,
        votes: [],
        ref: 'r-abcdefgh2345/workers',
      }),
    );
    expectGolden(import.meta.url, 'approval-card-phase', card);
  });

  it('a change-window refusal names the windows and the next one', () => {
    const windows = [
      ChangeWindowSchema.parse({
        days: ['tue', 'wed', 'thu'],
        from: '09:00',
        to: '17:00',
        timeZone: 'Europe/Berlin',
      }),
    ];
    const check = checkChangeWindows(windows, Date.parse('2026-11-26T18:00:00Z'));
    if (check.open) throw new Error('expected closed');
    const policy = { ...effectivePolicy({ defaults: {}, rules: [] }, 'prod', 'upgrade'), windows };
    const message = requestRefusal({ reason: 'outside-window', windows, next: check.next }, policy, '/bosun');
    expectGolden(import.meta.url, 'approval-refusal-window', message);
    expect(message.text).toContain('The next window opens Tue 2026-12-01 09:00 Europe/Berlin');
  });

  it('answers to clicks that do not count', () => {
    expectGolden(import.meta.url, 'approval-denial-own', decisionDenial({ reason: 'own-request' }, record()));
    expectGolden(
      import.meta.url,
      'approval-denial-outsider',
      decisionDenial({ reason: 'not-approver' }, record()),
    );
    expectGolden(
      import.meta.url,
      'approval-answer-expired',
      closedApprovalAnswer(record({ state: 'expired', decidedAt: NOW }), '/bosun'),
    );
  });

  it('thread replies and the reject modal', () => {
    expectGolden(import.meta.url, 'approval-thread-requested', approvalThreadMessage('requested', record()));
    expectGolden(
      import.meta.url,
      'approval-thread-rejected',
      approvalThreadMessage('rejected', record({ state: 'rejected', decidedBy: 'UBOB', reason: 'freeze' })),
    );
    expectGolden(
      import.meta.url,
      'approval-reject-modal',
      rejectModal({ ref: 'r-abcdefgh2345/start', text: 'drain worker-1', slash: '/bosun' }),
    );
  });

  it('the audit listing, and a long one that points to its file', () => {
    const entry = (i: number, extra: Partial<AuditRecord> = {}): AuditRecord => ({
      id: `${NOW + i}-0`,
      at: NOW + i * 1000,
      event: 'requested',
      requestId: 'r-abcdefgh2345',
      user: 'UALICE',
      cluster: 'prod',
      command: 'drain worker-1',
      outcome: 'awaiting-approval',
      ...extra,
    });
    // The story as bosun writes it now (names stored, plain details), and two entries of older versions: a
    // Slack-escaped command and a detail with a mention and a date token, which both listings make plain.
    const story = [
      entry(0, {
        userName: 'alice',
        detail: 'needs 1 approval from others; expires in 30m',
      }),
      entry(2, {
        event: 'denied',
        userName: 'alice',
        phase: 'start',
        outcome: 'own-request',
        detail: 'tried to approve',
      }),
      entry(3, { event: 'approved', user: 'UBOB', userName: 'bob', phase: 'start', outcome: 'approved' }),
      entry(4, { event: 'job-started', userName: 'alice', outcome: 'started' }),
      entry(5, {
        event: 'job-finished',
        userName: 'alice',
        outcome: 'succeeded',
        detail: 'worker-1 drained; 5 of 5 pods evicted in 42s',
      }),
      entry(6, {
        requestId: 'r-bcdefghi3456',
        user: 'UDAVE',
        userName: 'dave',
        event: 'refused',
        command: 'nodes',
        outcome: 'not-requester',
        detail: 'not among those who may ask for nodes on prod',
      }),
      entry(7, {
        requestId: 'r-cdefghij4567',
        command: 'maintain worker-2 --reason "kernel &amp; firmware &lt;5.15&gt;"',
        userName: 'alice',
      }),
      entry(8, {
        requestId: 'r-cdefghij4567',
        event: 'cancelled',
        user: 'UBOB',
        command: 'maintain worker-2 --reason "kernel &amp; firmware &lt;5.15&gt;"',
        outcome: 'cancelled',
        detail: 'by <@UBOB> at <!date^1795608000^{time}|12:00> while waiting for *approval*',
      }),
    ];
    const base = { truncated: false, sinceSeconds: 86400, clusters: ['prod'], slash: '/bosun' };
    expectGolden(import.meta.url, 'audit-listing', auditListing({ ...base, records: story }));
    const long = auditListing({
      ...base,
      records: Array.from({ length: 300 }, (_, i) => entry(i, { detail: 'x'.repeat(150) })),
      file: 'sending',
    });
    expectWithinSlackLimits(long);
    expect(long.blocks?.at(-1)).toMatchObject({ type: 'context' });
    expect(JSON.stringify(long.blocks?.at(-1))).toContain('the 260 earlier entries, comes as a file');
    expectGolden(import.meta.url, 'approval-click-answers', {
      stale: staleApprovalButton(),
      gone: approvalGone(),
      foreign: foreignButton(),
      stray: strayButton(),
      failed: decisionNotRecorded(new Error('Connection is closed.')),
    });
    expectGolden(import.meta.url, 'audit-file', {
      comment: auditFileComment('/bosun'),
      failed: auditFileFailed(),
    });
    // The file sent in a direct message (and `bosun audit`): one line per event, people by name, plain text.
    const file = auditTable(story);
    expectGolden(import.meta.url, 'audit-file-content', file.trimEnd().split('\n'));
    expect(file).not.toMatch(/&amp;|&lt;|&gt;|<@|<!|\*approval\*|`/);
    expect(file).toContain('2026-11-25 12:00:03Z   r-abcdefgh2345   bob     prod      approved');
    expect(file).toMatch(
      /\n2026-11-25 12:00:08Z +r-cdefghij4567 +UBOB +prod +cancelled +maintain worker-2 --reason "kernel & firmware <5\.15>" +by UBOB at 12:00 while waiting for approval\n/,
    );
  });
});
