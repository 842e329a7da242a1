import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigSchema } from '../../src/config/schema.js';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

interface Compose {
  services: Record<
    string,
    {
      command?: string[];
      environment?: Record<string, string>;
      healthcheck?: { test: string[] };
      depends_on?: Record<string, { condition: string }>;
      stop_grace_period?: string;
    }
  >;
}

describe('packaging', () => {
  it('docker-compose.yml runs Redis as BullMQ needs it, and bot and worker with health checks', () => {
    const compose = YAML.parse(read('docker-compose.yml'), { merge: true }) as Compose;
    const redis = compose.services.redis;
    expect(redis?.command).toEqual(
      expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']),
    );
    for (const [name, port] of [
      ['bot', '8081'],
      ['worker', '8082'],
    ] as const) {
      const service = compose.services[name];
      expect(service?.command).toEqual([name]);
      expect(service?.depends_on?.redis?.condition).toBe('service_healthy');
      expect(service?.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/readyz`);
      const env = service?.environment ?? {};
      for (const key of [
        'BOSUN_CONFIG',
        'REDIS_URL',
        'SLACK_BOT_TOKEN',
        'SLACK_SIGNING_SECRET',
        'SLACK_APP_TOKEN',
      ]) {
        expect(Object.keys(env)).toContain(key);
      }
      expect(env.REDIS_URL).toBe('redis://redis:6379');
    }
    // The ports the health checks probe are the config's defaults.
    const defaults = ConfigSchema.shape.health.parse(undefined);
    expect(defaults).toEqual({ botPort: 8081, workerPort: 8082 });
  });

  it("manifest.yml declares the config's slash command, interactivity and the least bot scopes", () => {
    const manifest = YAML.parse(read('manifest.yml')) as {
      features: { slash_commands: Array<{ command: string; url: string }> };
      oauth_config: { scopes: { bot: string[] } };
      settings: { interactivity: { is_enabled: boolean; request_url: string } };
    };
    const defaultCommand = ConfigSchema.shape.slack.unwrap().shape.command.parse(undefined);
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([defaultCommand]);
    expect(manifest.features.slash_commands[0]?.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true });
    expect(manifest.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:read',
        'chat:write',
        'commands',
        'files:write',
        'groups:read',
        'im:write',
        'usergroups:read',
        'users:read',
      ].sort(),
    );
  });

  it('bosun.example.yaml is a valid config apart from the kubeconfig files it names', () => {
    try {
      loadConfig({
        raw: YAML.parse(read('bosun.example.yaml')),
        env: { SLACK_BOT_TOKEN: 'xoxb-example', SLACK_SIGNING_SECRET: 'example' },
        baseDir: new URL('.', root).pathname,
      });
      throw new Error('expected the missing kubeconfig files to be reported');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      expect(error.problems.map((p) => p.path)).toEqual(['clusters[0].kubeconfig', 'clusters[1].kubeconfig']);
    }
  });

  it('the Dockerfile builds on Node 24 and runs as a non-root user with kubectl, etcdctl and ssh inside', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:24/);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/etcd-client/);
    expect(dockerfile).toMatch(/openssh-client/);
    expect(dockerfile).toMatch(/\/usr\/local\/bin\/kubectl/);
  });
});
