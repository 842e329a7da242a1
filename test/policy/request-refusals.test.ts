import {
  type ApprovalRig,
  HandClock,
  probeOperation,
  startApprovalRig,
} from '../approvals/support/approval-rig.js';

const person = (id: string) => ({ id, name: id.slice(1).toLowerCase(), isBot: false, tz: 'Etc/UTC' });

describe('requests the policy refuses', () => {
  let rig: ApprovalRig;
  const clock = new HandClock();
  const runs: string[] = [];
  const probe = probeOperation(async ({ request }) => {
    runs.push(request.id);
    return { summary: 'probe ran' };
  });

  beforeAll(async () => {
    rig = await startApprovalRig(import.meta.url, {
      policy: {
        rules: [
          {
            clusters: ['prod'],
            commands: ['nodes'],
            requesters: { users: ['UALICE', 'UBOB'] },
            windows: [{ days: ['tue', 'wed', 'thu'], from: '09:00', to: '17:00', timeZone: 'Europe/Berlin' }],
          },
        ],
      },
      operations: { nodes: probe },
      users: ['UALICE', 'UBOB', 'UDAVE'].map(person),
      clock,
    });
    await rig.startWorker();
  });
  afterAll(async () => await rig.close());

  const answerTo = (user: string, requestId: string) =>
    rig.standIn.waitFor(() => rig.ephemeralsFor(user).find((m) => m.requestId === requestId));

  async function audited(requestId: string): Promise<string[]> {
    const entries = await rig.redis.xrange(rig.keys.audit(), '-', '+');
    return entries.filter(([, f]) => f.includes(requestId)).map(([, f]) => f.join(' '));
  }

  it('outside the change window: refused, naming the next window, and nothing is enqueued', async () => {
    clock.set(Date.parse('2026-11-23T16:30:00Z')); // Monday 17:30 in Berlin
    const asked = await rig.command('nodes', 'UALICE');
    expect(asked.status).toBe(200);
    const refusal = await answerTo('UALICE', asked.requestId);
    expect(refusal.text).toContain(
      'nodes on prod is allowed only in its change windows: Tue–Thu 09:00–17:00 Europe/Berlin.',
    );
    expect(refusal.text).toContain('The next window opens Tue 2026-11-24 09:00 Europe/Berlin');
    expect(refusal.text).toContain('<!date^1795507200^');
    expect(await rig.ops.getJobCounts()).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 0 });
    expect(
      rig.standIn.messages('COPS').filter((m) => m.requestId === asked.requestId && !m.ephemeral),
    ).toEqual([]);
    expect(await audited(asked.requestId)).toEqual([
      expect.stringMatching(/event refused .*outcome outside-window/),
    ]);
  });

  it('inside the window the same request runs', async () => {
    clock.set(Date.parse('2026-11-24T08:30:00Z')); // Tuesday 09:30 in Berlin
    const asked = await rig.command('nodes', 'UBOB');
    await rig.card(asked.requestId, (c) => c.text.includes('Done'));
    expect(runs).toEqual([asked.requestId]);
  });

  it('someone who may not ask is told who may', async () => {
    const asked = await rig.command('nodes', 'UDAVE');
    const refusal = await answerTo('UDAVE', asked.requestId);
    expect(refusal.text).toContain('You may not ask for nodes on prod. Who may: <@UALICE> or <@UBOB>.');
    expect(runs).not.toContain(asked.requestId);
    expect(await audited(asked.requestId)).toEqual([
      expect.stringMatching(/event refused .*user UDAVE .*outcome not-requester/),
    ]);
  });
});
