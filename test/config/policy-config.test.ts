import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { effectivePolicy } from '../../src/policy/effective-policy.js';

const base = {
  slack: { botToken: 'xoxb-test', signingSecret: 'shh' },
  clusters: [] as unknown[],
};

function problemsOf(raw: unknown): string[] {
  try {
    loadConfig({ env: {}, raw });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('policy in the config file', () => {
  it('reads defaults and rules, with durations and change windows', () => {
    const config = loadConfig({
      env: {},
      raw: {
        ...base,
        policy: {
          defaults: { requesters: { groups: ['S0SRE'] }, expiry: '1h' },
          rules: [
            {
              clusters: ['prod-*'],
              commands: ['maintain'],
              approvals: 2,
              windows: [
                { days: ['tue', 'wed', 'thu'], from: '09:00', to: '17:00', timeZone: 'Europe/Berlin' },
              ],
            },
          ],
        },
        audit: { file: 'audit/bosun.jsonl' },
      },
      baseDir: join(tmpdir(), 'bosun-conf'),
    });
    expect(effectivePolicy(config.policy, 'prod-eu', 'maintain')).toMatchObject({
      approvals: 2,
      expirySeconds: 3600,
      requesters: { groups: ['S0SRE'] },
      windows: [{ days: ['tue', 'wed', 'thu'], from: '09:00', to: '17:00', timeZone: 'Europe/Berlin' }],
    });
    expect(config.audit).toEqual({
      file: join(tmpdir(), 'bosun-conf', 'audit', 'bosun.jsonl'),
      maxEntries: 1_000_000,
    });
  });

  it('reports every policy problem at once, each with its path', () => {
    const problems = problemsOf({
      ...base,
      clusters: [{ name: 'prod', kubeconfig: 'missing.kubeconfig', channels: ['C0OPS'] }],
      policy: {
        defaults: { expiry: 'half an hour', approvers: { users: ['alice'] } },
        rules: [
          { clusters: ['prdo'], commands: ['drian'], approvals: 11 },
          {
            commands: ['drain'],
            approvals: 2,
            approvers: { users: ['UBOB'] },
            windows: [{ days: ['tuesday'], from: '9am', to: '17:00', timeZone: 'Mars/Olympus' }],
          },
          { commands: ['cordon'], aprovals: 1 },
        ],
      },
      audit: { fiel: 'x' },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'policy.defaults.expiry: must be a duration from 1s to 7d, written like 30m, 2h or 1h30m',
        'policy.defaults.approvers.users[0]: must be a Slack user id such as U0123ABCD',
        'policy.rules[0].commands[0]: is not a command; did you mean "drain"?',
        'policy.rules[0].approvals: must be at most 10',
        'policy.rules[0].clusters[0]: no cluster is named "prdo"; did you mean "prod"?',
        'policy.rules[1].approvals: asks for 2 approvals but policy.rules[1].approvers lists 1 person; add approvers or lower the count',
        'policy.rules[1].windows[0].days[0]: must be one of "mon", "tue", "wed", "thu", "fri", "sat", "sun"',
        'policy.rules[1].windows[0].from: must be a time of day such as 09:00 (24-hour clock, 24:00 ends a day)',
        'policy.rules[1].windows[0].timeZone: is not a time zone; use an IANA name such as Europe/Berlin or UTC',
        'policy.rules[2].aprovals: unknown key; did you mean "approvals"?',
        'audit.fiel: unknown key; did you mean "file"?',
      ]),
    );
  });

  it('refuses a rule naming a command that does not exist, listing those that do', () => {
    const [problem] = problemsOf({ ...base, policy: { rules: [{ commands: ['reboot'], approvals: 1 }] } });
    expect(problem).toMatch(
      /^policy\.rules\[0\]\.commands\[0\]: is not a command; use \* or one of nodes, versions, cordon, uncordon, drain, maintain, backup now, backup list, backup show, backup verify, backup status, backup schedule set, backup schedule list, backup schedule delete, restore, audit$/,
    );
  });
});
