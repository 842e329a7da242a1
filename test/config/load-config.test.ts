import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig, MINIMAL_CONFIG_HINT, redisFromEnv } from '../../src/config/load-config.js';
import { PROD_KUBECONFIG } from '../support/kubeconfig.js';

function workspace(configYaml: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-config-'));
  writeFileSync(join(dir, 'prod.kubeconfig'), PROD_KUBECONFIG);
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
        expect.stringMatching(
          /^clusters\[0\]\.context: context "prod-admn" is not in .*prod\.kubeconfig; did you mean "prod-admin"\?$/,
        ),
        expect.stringMatching(/^clusters\[1\]\.kubeconfig: file not found: .*missing\.kubeconfig/),
      ]),
    );
    expect(problems).toHaveLength(10);
  });

  it('lists kubeconfig and context problems with the schema problems, all in one listing', () => {
    const { file } = workspace(`
slack: { port: 70000 }
clusters:
  - { name: prod, kubeconfig: prod.kubeconfig, context: staging-admin, channels: [C0OPS] }
  - { name: dev, kubeconfig: kubeconfigs/dev.yaml, channels: [C0DEV] }
`);
    let message = '';
    try {
      loadConfig({ env: { BOSUN_CONFIG: file, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' } });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      message = error.message;
    }
    const lines = message.split('\n');
    expect(lines[0]).toBe(`invalid configuration (${file}): 3 problems`);
    expect(lines.slice(1)).toEqual([
      '  - slack.port: must be a port number, 1–65535 (or 0 for any free one)',
      `  - clusters[0].context: context "staging-admin" is not in ${join(dirname(file), 'prod.kubeconfig')}; it has: prod-admin`,
      `  - clusters[1].kubeconfig: file not found: ${join(dirname(file), 'kubeconfigs', 'dev.yaml')}; give the path of a readable kubeconfig`,
    ]);
  });

  it('checks the Slack tokens by their prefixes, names two swapped, and never shows a token', () => {
    const base = { clusters: [] as unknown[] };
    const problems = (slack: Record<string, string>) =>
      problemsOf(() => loadConfig({ env: {}, raw: { ...base, slack: { mode: 'socket', ...slack } } }));
    // Made-up tokens of each kind, assembled here so that no token-shaped string sits in the source.
    const fake = (prefix: 'xoxb' | 'xapp' | 'xoxp') => `${prefix}-fake-SECRET`;
    expect(problems({ botToken: fake('xapp'), appToken: fake('xoxb') })).toEqual([
      'slack.botToken: and slack.appToken are swapped: the bot token starts with xoxb-, the app-level token with xapp- (swap SLACK_BOT_TOKEN and SLACK_APP_TOKEN)',
    ]);
    const userToken = problems({ botToken: fake('xoxp'), appToken: fake('xapp') });
    expect(userToken).toEqual([
      'slack.botToken: must be the bot token, starting with xoxb- (from "OAuth & Permissions"); this is a user token (xoxp-)',
    ]);
    const pasted = problems({ botToken: fake('xoxb'), appToken: 'hunter2-SECRET' });
    expect(pasted).toEqual([
      'slack.appToken: must be an app-level token, starting with xapp- (from "Basic Information", scope connections:write); this is not a Slack token',
    ]);
    for (const line of [...userToken, ...pasted]) expect(line).not.toContain('SECRET');
    expect(() =>
      loadConfig({
        env: {},
        raw: { ...base, slack: { mode: 'socket', botToken: 'xoxb-1', appToken: 'xapp-1' } },
      }),
    ).not.toThrow();
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

  it('refuses a node lock that could expire while its job lock is still held', () => {
    const { file } = workspace(`
slack: {}
worker: { lockDurationMs: 60000 }
drain: { lockTtlMs: 20000 }
`);
    const env = { BOSUN_CONFIG: file, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(problemsOf(() => loadConfig({ env }))).toEqual([
      'drain.lockTtlMs: is 20000 ms, shorter than worker.lockDurationMs (60000 ms); a node lock must live at least as long as the job lock that holds it (raise drain.lockTtlMs or lower worker.lockDurationMs)',
    ]);
    writeFileSync(file, 'slack: {}\nworker: { lockDurationMs: 20000 }\ndrain: { lockTtlMs: 20000 }\n');
    expect(loadConfig({ env }).drain.lockTtlMs).toBe(20000);
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

describe('a config that names no cluster', () => {
  const secrets = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
  const bosun = (env: NodeJS.ProcessEnv, cwd?: string) =>
    execa(process.execPath, [fileURLToPath(new URL('../../bin/bosun.js', import.meta.url)), 'bot'], {
      env: { ...secrets, ...env },
      extendEnv: false,
      reject: false,
      cwd: cwd ?? fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 30_000,
    });

  it('`bosun bot` refuses an empty file, showing a minimal config, and nothing from zod', async () => {
    const { file } = workspace('# nothing here yet\n\n');
    const result = await bosun({ BOSUN_CONFIG: file });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`invalid configuration (${file}): 1 problem\n`);
    expect(result.stderr).toContain('  - (file): is empty; bosun needs at least one cluster to work on\n');
    expect(result.stderr).toContain(MINIMAL_CONFIG_HINT);
    expect(result.stderr).not.toMatch(/Invalid input|expected \w+, received|\n\s+at /);
  });

  it('`bosun bot` with no bosun.yaml and no BOSUN_CONFIG says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-no-config-'));
    const result = await bosun({}, dir);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `  - (file): there is no bosun.yaml in ${dir} and BOSUN_CONFIG is not set; bosun needs a config file naming at least one cluster\n`,
    );
    expect(result.stderr).toContain(MINIMAL_CONFIG_HINT);
  });

  it('is refused for bot and worker when the file lists none, and the minimal config it shows works', () => {
    const noCluster =
      'clusters: no cluster is configured; bosun needs at least one, each with a name, a kubeconfig and channels';
    for (const yaml of ['slack: { command: /ops }\n', 'clusters: []\n', 'clusters:\n  # - name: prod\n']) {
      const { file } = workspace(yaml);
      expect(
        problemsOf(() => loadConfig({ env: { BOSUN_CONFIG: file, ...secrets }, requireClusters: true })),
      ).toEqual([noCluster]);
    }
    // `bosun audit` reads Redis only: it needs no cluster.
    const { file } = workspace('slack: { command: /ops }\n');
    expect(loadConfig({ env: { BOSUN_CONFIG: file, ...secrets } }).clusters).toEqual([]);

    const minimal = MINIMAL_CONFIG_HINT.split('\n')
      .filter((line) => line.startsWith('  '))
      .join('\n');
    const config = loadConfig({
      env: { BOSUN_CONFIG: workspace(minimal).file, ...secrets },
      requireClusters: true,
    });
    expect(config.clusters.map((c) => [c.name, c.channels])).toEqual([['prod', ['C0123ABCD']]]);
  });
});

describe("problems in bosun's own words", () => {
  const secrets = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };

  it('names the key and says what it must be: types, ranges, units, allowed values, typos', () => {
    const { file } = workspace(`
slack: { mode: sokcet, port: 70000, command: 3 }
health: { botPort: "8081" }
worker: { concurrency: 1.5, lockDurationMs: 30s }
intake: { ackBudgetMs: 5000 }
log: { level: verbose }
leases: { enabled: yes, namespce: kube-system }
intke: {}
clusters:
  - { name: prod, channels: C0OPS }
policy:
  defaults: { expiry: 1800 }
`);
    let error: unknown;
    try {
      loadConfig({ env: { BOSUN_CONFIG: file, ...secrets } });
    } catch (caught) {
      error = caught;
    }
    if (!(error instanceof ConfigError)) throw new Error('expected a ConfigError');
    expect(error.message.split('\n')[0]).toBe(`invalid configuration (${file}): 14 problems`);
    expect(error.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'slack.mode: must be one of "http", "socket"; did you mean "socket"?',
      'slack.command: must be text, not a number',
      'slack.port: must be a port number, 1–65535 (or 0 for any free one)',
      'health.botPort: must be a port number, 1–65535 (or 0 for any free one), without quotes',
      'worker.concurrency: must be a whole number',
      'worker.lockDurationMs: must be a number of milliseconds, such as 30000 for 30 s, not text',
      'intake.ackBudgetMs: must be from 100 to 2500 ms',
      'log.level: must be one of "trace", "debug", "info", "warn", "error", "fatal", "silent"',
      "clusters[0].kubeconfig: is required: the path of the cluster's kubeconfig file, such as prod.kubeconfig (relative to the config file's folder)",
      'clusters[0].channels: must be a list, such as [a, b] or one "- item" per line, not text',
      'leases.enabled: must be true or false, not text',
      'leases.namespce: unknown key; did you mean "namespace"?',
      'policy.defaults.expiry: must be a duration written like 30m, 2h or 1h30m, not a number',
      'intke: unknown key; did you mean "intake"?',
    ]);
    expect(error.message).not.toMatch(/Invalid input|expected \w+, received|Too (big|small)/);
  });

  it('names the variable when the wrong value came from the environment', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { ...secrets, BOSUN_SLACK_PORT: 'abc', SLACK_MODE: 'sockets' }, raw: {} }),
    );
    expect(problems).toEqual([
      'slack.mode: must be one of "http", "socket"; did you mean "socket"? (set by SLACK_MODE)',
      'slack.port: must be a port number, 1–65535 (or 0 for any free one) (set by BOSUN_SLACK_PORT)',
    ]);
  });
});

describe('redis modes', () => {
  const secrets = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
  const redisOf = (yaml: string, env: NodeJS.ProcessEnv = {}) =>
    loadConfig({ env: { BOSUN_CONFIG: workspace(yaml).file, ...secrets, ...env } }).redis;

  it('defaults to one Redis on localhost', () => {
    expect(redisOf('slack: {}\n')).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'bosun' });
  });

  it('takes Sentinels with the master name, or Cluster seed nodes, from the file', () => {
    expect(
      redisOf('redis: { sentinels: [10.0.0.1:26379, "[::1]:26380"], sentinelName: main, prefix: ops }\n'),
    ).toEqual({ sentinels: ['10.0.0.1:26379', '[::1]:26380'], sentinelName: 'main', prefix: 'ops' });
    expect(redisOf('redis: { cluster: [redis-0.redis:6379, redis-1.redis:6379] }\n')).toEqual({
      cluster: ['redis-0.redis:6379', 'redis-1.redis:6379'],
      prefix: 'bosun',
    });
  });

  it('takes them from the environment, which replaces the mode the file chose', () => {
    expect(
      redisOf('redis: { url: redis://file:6379 }\n', { BOSUN_REDIS_CLUSTER: ' a:7000, b:7001 ,' }),
    ).toEqual({ cluster: ['a:7000', 'b:7001'], prefix: 'bosun' });
    expect(
      redisOf('redis: { cluster: [a:7000] }\n', {
        BOSUN_REDIS_SENTINELS: 's1:26379,s2:26379',
        BOSUN_REDIS_SENTINEL_NAME: 'mymaster',
      }),
    ).toEqual({ sentinels: ['s1:26379', 's2:26379'], sentinelName: 'mymaster', prefix: 'bosun' });
    expect(
      redisOf('redis: { sentinels: [s1:26379], sentinelName: main }\n', { REDIS_URL: 'redis://one:6379' }),
    ).toEqual({ url: 'redis://one:6379', prefix: 'bosun' });
    expect(
      redisOf('redis: { sentinels: [s1:26379], sentinelName: main }\n', {
        BOSUN_REDIS_SENTINEL_NAME: 'other',
      }),
    ).toEqual({ sentinels: ['s1:26379'], sentinelName: 'other', prefix: 'bosun' });
  });

  it('refuses mixed modes, a Sentinel without its master name, bad addresses and braces in the prefix', () => {
    const problems = (yaml: string, env: NodeJS.ProcessEnv = {}) =>
      problemsOf(() => loadConfig({ env: { BOSUN_CONFIG: workspace(yaml).file, ...secrets, ...env } }));
    expect(problems('redis: { url: redis://a:6379, cluster: [a:7000] }\n')).toEqual([
      'redis.cluster: redis.url and redis.cluster are different ways to reach Redis; set one of redis.url (REDIS_URL), redis.sentinels (BOSUN_REDIS_SENTINELS) or redis.cluster (BOSUN_REDIS_CLUSTER), not several',
    ]);
    expect(
      problems('slack: {}\n', { BOSUN_REDIS_CLUSTER: 'a:7000', BOSUN_REDIS_SENTINELS: 's:26379' }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^redis\.cluster: redis\.sentinels and redis\.cluster are/),
      ]),
    );
    expect(problems('redis: { sentinels: [s:26379] }\n')).toEqual([
      'redis.sentinelName: is required with redis.sentinels (BOSUN_REDIS_SENTINEL_NAME): the master name from `sentinel monitor <name> …`',
    ]);
    expect(problems('redis: { sentinelName: main }\n')).toEqual([
      'redis.sentinelName: is only used with redis.sentinels (BOSUN_REDIS_SENTINELS); list the sentinels too, or remove it',
    ]);
    expect(problems('redis: { cluster: [redis-0, "a:99999"], prefix: "{bosun}" }\n')).toEqual([
      'redis.cluster[0]: must be host:port, such as 10.0.0.5:6379',
      'redis.cluster[1]: has a port above 65535',
      'redis.prefix: must be letters, digits, _ or - (no braces, no colon): bosun adds the {…} itself',
    ]);
    expect(problems('redis: { cluster: [] }\n')).toEqual([
      'redis.cluster: needs at least one seed node as host:port',
    ]);
    expect(problems('redis: { clusters: [a:7000] }\n')).toEqual([
      'redis.clusters: unknown key; did you mean "cluster"?',
    ]);
  });

  it('never echoes a key that looks like a pasted secret', () => {
    const token = ['xoxb', '1234567890', 'abcdefghijklmnop'].join('-');
    const long = 'Zm9vYmFyYmF6cXV4cXV1eHF1dXgxMjM0NTY3ODkw';
    const file = workspace(`slack:\n  ${token}: oops\n${long}: true\n`).file;
    let message = '';
    try {
      loadConfig({ env: { BOSUN_CONFIG: file, ...secrets } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('slack.<a key that looks like a secret, not shown>: unknown key');
    expect(message).toContain('<a key that looks like a secret, not shown>: unknown key');
    expect(message).not.toContain(token);
    expect(message).not.toContain(long);
    expect(message).not.toContain('1234567890');
  });
});

describe("the sandbox's Redis from the environment", () => {
  it('is none unless a mode is set, and then the same settings bot and worker read', () => {
    expect(redisFromEnv({ BOSUN_REDIS_PREFIX: 'x' })).toBeUndefined();
    expect(redisFromEnv({ REDIS_URL: 'redis://r:6379' })).toEqual({ url: 'redis://r:6379' });
    expect(redisFromEnv({ BOSUN_REDIS_CLUSTER: 'a:7000,b:7001' })).toEqual({ cluster: ['a:7000', 'b:7001'] });
    expect(redisFromEnv({ BOSUN_REDIS_SENTINELS: 's:26379', BOSUN_REDIS_SENTINEL_NAME: 'main' })).toEqual({
      sentinels: ['s:26379'],
      sentinelName: 'main',
    });
    expect(problemsOf(() => redisFromEnv({ BOSUN_REDIS_SENTINELS: 's:26379' }))).toEqual([
      'redis.sentinelName: is required with redis.sentinels (BOSUN_REDIS_SENTINEL_NAME): the master name from `sentinel monitor <name> …`',
    ]);
  });
});
