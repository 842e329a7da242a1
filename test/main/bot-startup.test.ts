import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { freePort } from '../../src/sandbox/redis-server.js';
import { PROD_KUBECONFIG } from '../support/kubeconfig.js';

/** `bosun bot` with a config whose Slack Web API is at `apiUrl`. */
async function botWithSlackAt(apiUrl: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-bot-startup-'));
  writeFileSync(join(dir, 'prod.kubeconfig'), PROD_KUBECONFIG);
  writeFileSync(
    join(dir, 'bosun.yaml'),
    `slack: { apiUrl: '${apiUrl}', port: 0 }
health: { botPort: 0 }
clusters: [{ name: prod, kubeconfig: prod.kubeconfig, channels: [C0OPS] }]
`,
  );
  return await execa(
    process.execPath,
    [fileURLToPath(new URL('../../bin/bosun.js', import.meta.url)), 'bot'],
    {
      env: {
        BOSUN_CONFIG: join(dir, 'bosun.yaml'),
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'test',
      },
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    },
  );
}

const CHECK = 'check that slack.apiUrl (SLACK_API_URL) is the Slack Web API and is reachable from here';

describe('`bosun bot` when Slack cannot be reached', () => {
  it('says so in one line naming the URL and what to check, exits non-zero, and prints no stack', async () => {
    const refusing = `http://127.0.0.1:${await freePort()}/api/`;
    // RFC 6761: .invalid never resolves.
    const unresolvable = 'http://bosun-test-host.invalid/api/';
    const [refused, unresolved] = await Promise.all([botWithSlackAt(refusing), botWithSlackAt(unresolvable)]);
    for (const result of [refused, unresolved]) {
      expect(result.timedOut).toBe(false);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      // Nor does the log (stdout, JSON lines) carry a stack for it.
      expect(result.stdout).not.toMatch(/\n\s+at |\\n\s+at /);
      expect(result.stdout).toContain('"msg":"bot could not start"');
    }
    expect(refused.stderr.trim().split('\n')).toEqual([
      `bosun bot: cannot reach Slack at ${refusing} to check the bot token (auth.test, 5 tries): the connection was refused (ECONNREFUSED); ${CHECK}`,
    ]);
    expect(unresolved.stderr.trim().split('\n')).toEqual([
      `bosun bot: cannot reach Slack at ${unresolvable} to check the bot token (auth.test, 5 tries): the host name does not resolve (ENOTFOUND); ${CHECK}`,
    ]);
  }, 70_000);
});
