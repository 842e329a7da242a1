import { requestIdFromTrigger } from '../../src/requests/request-id.js';
import { slackRequestSignature } from '../../src/sandbox/slack/index.js';
import { type ApprovalRig, probeOperation, startApprovalRig } from '../approvals/support/approval-rig.js';

/** A slash command, signed with the app's secret, whose form has no `user_id`. */
async function commandWithNoUser(rig: ApprovalRig, triggerId: string): Promise<Response> {
  const body = new URLSearchParams({
    team_id: 'T0BOSUN',
    channel_id: 'COPS',
    command: '/bosun',
    text: 'nodes',
    response_url: 'http://127.0.0.1:9/unused',
    trigger_id: triggerId,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return await fetch(rig.botUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackRequestSignature(rig.signingSecret, timestamp, body),
    },
    body,
  });
}

describe('a command that names no user', () => {
  let rig: ApprovalRig;
  const runs: string[] = [];

  beforeAll(async () => {
    rig = await startApprovalRig(import.meta.url, {
      policy: {},
      operations: {
        nodes: probeOperation(async ({ request }) => {
          runs.push(request.id);
          return { summary: 'ran' };
        }),
      },
      users: [],
    });
    await rig.startWorker();
  });
  afterAll(async () => await rig.close());

  it('is refused in the ack, and nothing is recorded, posted or run', async () => {
    const triggerId = '1111.2222.nouser';
    const answer = await commandWithNoUser(rig, triggerId);
    expect(answer.status).toBe(200);
    const shown = (await answer.json()) as { response_type: string; text: string };
    expect(shown.response_type).toBe('ephemeral');
    expect(shown.text).toContain('could not tell who sent this command');

    await new Promise((r) => setTimeout(r, 500));
    const requestId = requestIdFromTrigger(triggerId);
    expect(await rig.redis.exists(rig.keys.request(requestId))).toBe(0);
    expect(await rig.ops.getJob(requestId)).toBeUndefined();
    expect(rig.standIn.messages('COPS')).toEqual([]);
    const audit = await rig.redis.xrange(rig.keys.audit(), '-', '+');
    expect(audit.filter(([, fields]) => fields.includes(requestId))).toEqual([]);
    expect(runs).toEqual([]);
  });
});
