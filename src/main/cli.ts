import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import type { Config } from '../config/schema.js';
import { BOSUN_VERSION } from '../shared/bosun-version.js';
import { installCrashHandlers } from './crash-handlers.js';
import { createLogger } from './logger.js';
import { runUntilSignal } from './run-until-signal.js';

const HELP = `bosun: run Kubernetes cluster maintenance from Slack

Usage: bosun <command> [options]

Commands:
  bot        the Slack bot: takes /bosun commands, asks for approvals, enqueues jobs
  worker     runs jobs against clusters and posts progress to Slack (run as many as you like)
  sandbox    the whole product on this machine: Redis, a simulated cluster, a Slack
             stand-in with a web console, bot and worker (bosun sandbox --help)
  sim        the Kubernetes API simulator alone (bosun sim --help)
  audit      who asked for, approved and ran what (bosun audit --help)

Options:
  -h, --help     show this help
  -v, --version  show bosun's version

Configuration: BOSUN_CONFIG names the YAML file (default ./bosun.yaml); SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET, SLACK_APP_TOKEN and REDIS_URL override it. See bosun.example.yaml.
`;

/** Loads the config of a bot or worker, or prints every problem and returns undefined (the caller exits 2). */
export function configOrReport(): Config | undefined {
  try {
    return loadConfig({ requireClusters: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`bosun: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

async function runProcess(kind: 'bot' | 'worker', argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `Usage: bosun ${kind}\n\nReads the configuration (BOSUN_CONFIG, default ./bosun.yaml, plus environment).`,
    );
    return 0;
  }
  if (argv.length > 0) {
    console.error(
      `bosun ${kind}: unexpected argument "${argv[0]}"; it takes none (configuration comes from the file).`,
    );
    return 2;
  }
  const config = configOrReport();
  if (!config) return 2;
  const logger = createLogger(config.log.level, `bosun-${kind}`);
  installCrashHandlers(logger);
  try {
    const running =
      kind === 'bot'
        ? await (await import('./bot.js')).startBot(config, logger)
        : await (await import('./worker.js')).startWorker(config, logger);
    return await runUntilSignal(() => running.stop());
  } catch (error) {
    // A known start-up problem is its message (one line, said on stderr too); anything else keeps its stack.
    // (Loaded already by bot and worker; imported here late so that sim, sandbox and audit never load web-api.)
    const { SlackStartupError } = await import('../adapters/slack/web-client.js');
    if (error instanceof SlackStartupError)
      logger.fatal({ reason: error.message }, `${kind} could not start`);
    else logger.fatal({ err: error }, `${kind} could not start`);
    console.error(`bosun ${kind}: ${(error as Error).message}`);
    return 1;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(HELP);
      return command === undefined ? 2 : 0;
    case '-v':
    case '--version':
      console.log(BOSUN_VERSION);
      return 0;
    case 'bot':
    case 'worker':
      return await runProcess(command, rest);
    case 'sandbox':
      return await (await import('./sandbox.js')).runSandbox(rest);
    case 'sim':
      return await (await import('./sim.js')).runSim(rest);
    case 'audit':
      return await (await import('./audit.js')).runAudit(rest);
    default:
      console.error(`bosun: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}
