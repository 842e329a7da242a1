import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import { redisFromEnv } from '../config/load-config.js';
import { RedisServerMissingError } from '../sandbox/redis-server.js';
import { startSandbox } from '../sandbox/sandbox.js';
import { createLogger } from './logger.js';
import { runUntilSignal } from './run-until-signal.js';

const USAGE = `Usage: bosun sandbox [--port P] [--scenario NAME|FILE] [--time-scale X] [--socket] [--log-level L]

Runs the whole product on this machine: Redis (redis-server from PATH, or the Redis the environment
names as for bot and worker: REDIS_URL, BOSUN_REDIS_SENTINELS with BOSUN_REDIS_SENTINEL_NAME, or
BOSUN_REDIS_CLUSTER), a simulated Kubernetes cluster, a Slack stand-in with a web console, the bot and
a worker.

  --port P          port of the console and the sandbox API (default 3000)
  --scenario S      cluster scenario: small, busy, mixed-versions or a YAML file (default small)
  --time-scale X    play the cluster's durations X times as long, e.g. 0.1 (default 1)
  --socket          deliver commands over Socket Mode instead of signed HTTP requests
  --log-level L     bosun's log level (default warn)

Sandbox API on the port: POST /api/sandbox/command {"text":"nodes"}, GET /api/sandbox/messages,
POST /api/sandbox/click, GET /api/sandbox/views, POST /api/sandbox/submit, GET /api/sandbox/kubeconfig.
`;

export async function runSandbox(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  function parse() {
    return parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '3000' },
        scenario: { type: 'string', default: 'small' },
        'time-scale': { type: 'string', default: '1' },
        socket: { type: 'boolean', default: false },
        'log-level': { type: 'string', default: 'warn' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  }
  try {
    values = parse().values;
  } catch (error) {
    console.error(`bosun sandbox: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`bosun sandbox: --port must be a port number (0-65535), not "${values.port}"`);
    return 2;
  }
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    console.error(
      `bosun sandbox: --time-scale must be a positive number such as 0.1, not "${values['time-scale']}"`,
    );
    return 2;
  }
  const busy = await portInUse(port);
  if (busy) {
    console.error(
      `bosun sandbox: port ${port} is ${busy} (another sandbox, or another program), so nothing was started. ` +
        `Choose another with --port, e.g. --port ${port === 65535 ? 3001 : port + 1}, or --port 0 for any free one.`,
    );
    return 2;
  }
  let redis: ReturnType<typeof redisFromEnv>;
  try {
    redis = redisFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`bosun sandbox: ${error.message}`);
    return 2;
  }
  const logger = createLogger(values['log-level'] ?? 'warn', 'bosun-sandbox');
  console.error('bosun sandbox: starting Redis, the simulated cluster, the Slack stand-in, bot and worker…');
  try {
    const sandbox = await startSandbox({
      port,
      scenario: values.scenario,
      timeScale,
      socketMode: values.socket,
      redis,
      logger,
    });
    console.log(`bosun sandbox ready: ${sandbox.url}`);
    console.log(`  console:    ${sandbox.url}/`);
    console.log(`  try:        curl -s -XPOST ${sandbox.url}/api/sandbox/command -d '{"text":"nodes"}'`);
    console.log(`  kubeconfig: ${sandbox.kubeconfigPath}   (kubectl --kubeconfig … get nodes)`);
    return await runUntilSignal(() => sandbox.stop());
  } catch (error) {
    if (error instanceof RedisServerMissingError) {
      console.error(`bosun sandbox: ${error.message}`);
      return 1;
    }
    console.error(`bosun sandbox: could not start: ${(error as Error).message}`);
    return 1;
  }
}

/**
 * Whether the console's port can be had, checked before anything starts (Redis, the simulator and the rest take
 * seconds): undefined when free, else what is wrong with it. Port 0 always is.
 */
async function portInUse(port: number): Promise<string | undefined> {
  if (port === 0) return undefined;
  const probe = createServer();
  return await new Promise((resolve) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'EADDRINUSE' ? 'in use' : `not available (${error.code ?? error.message})`),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(undefined)));
  });
}
