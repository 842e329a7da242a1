import { PolicySchema } from '../../src/config/policy-schema.js';
import { authorizeDecision } from '../../src/policy/authorize-decision.js';
import { effectivePolicy } from '../../src/policy/effective-policy.js';
import type { GroupMembership } from '../../src/policy/principals.js';

const policy = PolicySchema.parse({
  defaults: { requesters: { groups: ['SOPS'] }, expiry: '45m' },
  rules: [
    { commands: ['drain', 'maintain'], approvals: 1 },
    {
      clusters: ['prod-*'],
      commands: ['*'],
      approvals: 2,
      approvers: { users: ['ULEAD1', 'ULEAD2', 'ULEAD3'] },
    },
    { clusters: ['prod-eu'], commands: ['drain'], approvals: 1, selfApproval: true },
    { clusters: ['*'], commands: ['cordon', 'uncordon'], approvals: 0 },
  ],
});

const groups: GroupMembership = {
  members: async (id) => (id === 'SOPS' ? ['UALICE', 'UBOB'] : []),
};

describe('the policy for one cluster and command', () => {
  it('starts from the defaults: anyone in the group asks, nobody needs to approve, 30 minutes unless set', () => {
    expect(effectivePolicy(PolicySchema.parse({}), 'staging', 'drain')).toEqual({
      cluster: 'staging',
      command: 'drain',
      requesters: undefined,
      approvers: undefined,
      approvals: 0,
      selfApproval: false,
      expirySeconds: 1800,
      windows: [],
    });
    expect(effectivePolicy(policy, 'staging', 'nodes')).toMatchObject({
      requesters: { groups: ['SOPS'] },
      approvers: { groups: ['SOPS'] },
      approvals: 0,
      expirySeconds: 2700,
    });
  });

  it('a command rule applies on every cluster', () => {
    expect(effectivePolicy(policy, 'staging', 'drain')).toMatchObject({ approvals: 1, selfApproval: false });
  });

  it('a rule for the cluster outranks a rule for the command on every cluster', () => {
    expect(effectivePolicy(policy, 'prod-us', 'drain')).toMatchObject({ approvals: 2 });
    expect(effectivePolicy(policy, 'prod-us', 'nodes')).toMatchObject({
      approvals: 2,
      approvers: { users: ['ULEAD1', 'ULEAD2', 'ULEAD3'] },
    });
    expect(effectivePolicy(policy, 'prod-us', 'cordon')).toMatchObject({ approvals: 2 });
    expect(effectivePolicy(policy, 'staging', 'cordon')).toMatchObject({ approvals: 0 });
  });

  it('the most specific rule wins, and fields it leaves out come from the others', () => {
    expect(effectivePolicy(policy, 'prod-eu', 'drain')).toMatchObject({
      approvals: 1,
      selfApproval: true,
      approvers: { users: ['ULEAD1', 'ULEAD2', 'ULEAD3'] },
      expirySeconds: 2700,
    });
  });

  it('equally specific rules apply in file order, the later winning', () => {
    const ordered = PolicySchema.parse({
      rules: [
        { commands: ['drain'], approvals: 3 },
        { commands: ['drain'], approvals: 1 },
      ],
    });
    expect(effectivePolicy(ordered, 'x', 'drain').approvals).toBe(1);
  });

  it('the requester approves her own request only where self-approval is on; she may always withdraw it', async () => {
    const terms = { requester: 'UALICE', approvers: { groups: ['SOPS'] }, selfApproval: false };
    const actor = { user: 'UALICE', channel: 'COPS' };
    await expect(authorizeDecision(terms, groups, actor, 'approve')).resolves.toEqual({
      allowed: false,
      refusal: { reason: 'own-request' },
    });
    await expect(authorizeDecision(terms, groups, actor, 'reject')).resolves.toEqual({ allowed: true });
    await expect(
      authorizeDecision({ ...terms, selfApproval: true }, groups, actor, 'approve'),
    ).resolves.toEqual({
      allowed: true,
    });
    await expect(
      authorizeDecision(terms, groups, { user: 'UMALLORY', channel: 'COPS' }, 'reject'),
    ).resolves.toEqual({ allowed: false, refusal: { reason: 'not-approver' } });
  });

  it('channels narrow who may approve; an empty list of users means nobody', async () => {
    const onlyOps = {
      requester: 'UALICE',
      approvers: { users: ['UBOB'], channels: ['COPS'] },
      selfApproval: false,
    };
    await expect(
      authorizeDecision(onlyOps, groups, { user: 'UBOB', channel: 'CDEV' }, 'approve'),
    ).resolves.toMatchObject({
      allowed: false,
    });
    const nobody = { requester: 'UALICE', approvers: { users: [] }, selfApproval: false };
    await expect(
      authorizeDecision(nobody, groups, { user: 'UBOB', channel: 'COPS' }, 'approve'),
    ).resolves.toMatchObject({
      allowed: false,
    });
  });
});
