import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: prod, cluster: { server: 'https://127.0.0.1:6443' } }]
users: [{ name: bosun, user: { token: abc } }]
contexts: [{ name: prod-admin, context: { cluster: prod, user: bosun } }]
current-context: prod-admin
`;

function workspace(configYaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-config-'));
  writeFileSync(join(dir, 'prod.kubeconfig'), KUBECONFIG);
  const file = join(dir, 'bosun.yaml');
  writeFileSync(file, configYaml);
  return { dir, file };
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('reads the file, overlays secrets from the environment and resolves kubeconfig paths from the file', () => {
    const { dir, file } = workspace(`
slack: { command: /ops }
clusters:
  - name: prod
    kubeconfig: prod.kubeconfig
    channels: [C0OPS, C0DEV]
    defaultIn: [C0OPS]
`);
    const config = loadConfig({
      env: {
        BOSUN_CONFIG: file,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'shh',
        REDIS_URL: 'redis://127.0.0.1:7000',
      },
    });
    expect(config.slack).toMatchObject({
      command: '/ops',
      mode: 'http',
      botToken: 'xoxb-test',
      signingSecret: 'shh',
    });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:7000', prefix: 'bosun' });
    expect(config.clusters[0]?.kubeconfig).toBe(join(dir, 'prod.kubeconfig'));
    expect(config.worker.concurrency).toBe(4);
  });

  it('lists every problem at once, each with its path and a hint', () => {
    const { file } = workspace(`
slak: {}
slack: { mode: socket, command: bosun }
redis: { url: http://localhost }
clusters:
  - name: prod
    kubeconfig: prod.kubeconfig
    context: prod-admn
    channels: ['#ops']
  - name: prod
    kubeconfig: missing.kubeconfig
    channels: [C0OPS]
    defaultIn: [C0DEV]
`);
    const problems = problemsOf(() => loadConfig({ env: { BOSUN_CONFIG: file } }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'slak: unknown key; did you mean "slack"?',
        'slack.command: must look like /bosun (lowercase, at most 32 characters)',
        'redis.url: must be a redis:// or rediss:// URL',
        'clusters[0].channels[0]: must be a Slack channel id such as C0123ABCD (not a #name)',
        'slack.botToken: is required (set SLACK_BOT_TOKEN to the xoxb- bot token)',
        'slack.appToken: is required in socket mode (set SLACK_APP_TOKEN, an xapp- token with connections:write)',
        'clusters[1].name: duplicates clusters[0].name "prod"; cluster names must be unique',
        "clusters[1].defaultIn[0]: C0DEV is not in this cluster's channels; add it there first",
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('checks that each kubeconfig exists and has the named context', () => {
    const { file } = workspace(`
slack: {}
clusters:
  - { name: prod, kubeconfig: prod.kubeconfig, context: prod-admn, channels: [C0OPS] }
  - { name: dev, kubeconfig: dev.kubeconfig, channels: [C0DEV] }
`);
    const problems = problemsOf(() =>
      loadConfig({ env: { BOSUN_CONFIG: file, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' } }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^clusters\[0\]\.context: context "prod-admn" is not in .*prod\.kubeconfig; did you mean "prod-admin"\?$/,
    );
    expect(problems[1]).toMatch(/^clusters\[1\]\.kubeconfig: file not found: .*dev\.kubeconfig/);
  });

  it('says so when BOSUN_CONFIG points at a missing file', () => {
    expect(
      problemsOf(() => loadConfig({ env: { BOSUN_CONFIG: join(tmpdir(), 'no-such-bosun.yaml') } })),
    ).toEqual([
      expect.stringMatching(/^\(file\): BOSUN_CONFIG points at .*no-such-bosun\.yaml, which does not exist$/),
    ]);
  });

  it('`bosun bot` exits 2 listing the problems and never prints a secret', async () => {
    const { file } = workspace(`
slack: { signingSecret: super-secret-value, botToken: xoxb-s3cr3t, mode: sockett }
`);
    const result = await execa('node', ['bin/bosun.js', 'bot'], {
      env: { BOSUN_CONFIG: file },
      reject: false,
      cwd: new URL('../..', import.meta.url),
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('slack.mode: must be one of "http", "socket"');
    expect(result.stderr).not.toContain('super-secret-value');
    expect(result.stderr).not.toContain('xoxb-s3cr3t');
  });
});
