import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/audit-log.js';
import { parseDuration } from '../commands/values.js';
import { ConfigError } from '../config/config-error.js';
import { loadConfig } from '../config/load-config.js';
import { auditTable } from '../messages/audit-table.js';
import { producerConnection } from '../queue/connection.js';
import { Keys } from '../queue/keys.js';

const USAGE = `Usage: bosun audit [--since DURATION] [--cluster NAME] [--request ID] [--format table|json] [--limit N]

Prints bosun's audit log (who asked for, approved and ran what) from Redis, oldest first.

  --since D      how far back: 90m, 24h, 7d (default 24h)
  --cluster C    only entries about this cluster
  --request ID   only entries about this request (r-…)
  --format F     table (default) or json (an array of entries)
  --limit N      at most the N most recent entries (default 10000)

Reads REDIS_URL and redis.* from the configuration (BOSUN_CONFIG, default ./bosun.yaml); Slack
credentials are not needed.
`;

export interface AuditCliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env?: NodeJS.ProcessEnv;
}

const defaultIo: AuditCliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** `bosun audit`: exit 0 with the listing, 2 for bad arguments or configuration, 1 when Redis fails. */
export async function runAudit(argv: string[], io: AuditCliIo = defaultIo): Promise<number> {
  let values: {
    since?: string;
    cluster?: string;
    request?: string;
    format?: string;
    limit?: string;
    help?: boolean;
  };
  try {
    values = parseArgs({
      args: argv,
      options: {
        since: { type: 'string', default: '24h' },
        cluster: { type: 'string' },
        request: { type: 'string' },
        format: { type: 'string', default: 'table' },
        limit: { type: 'string', default: '10000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.err(`bosun audit: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const sinceSeconds = parseDuration(values.since ?? '24h');
  const limit = Number(values.limit);
  const problems = [
    ...(sinceSeconds === undefined || sinceSeconds <= 0
      ? [`--since must be a duration such as 90m, 24h or 7d, not "${values.since}"`]
      : []),
    ...(values.format !== 'table' && values.format !== 'json'
      ? [`--format must be table or json, not "${values.format}"`]
      : []),
    ...(!Number.isInteger(limit) || limit < 1
      ? [`--limit must be a positive whole number, not "${values.limit}"`]
      : []),
  ];
  if (problems.length > 0 || sinceSeconds === undefined) {
    io.err(`bosun audit: ${problems.join('; ')}\n`);
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    // The audit reader talks to Redis only: stand-ins satisfy the Slack checks unless real values are set.
    const env = io.env ?? process.env;
    config = loadConfig({ env: { SLACK_BOT_TOKEN: 'xoxb-unused', SLACK_SIGNING_SECRET: 'unused', ...env } });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`bosun: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const redis = producerConnection(config.redis, { connectionName: 'bosun-audit', lazyConnect: true });
  try {
    const log = new AuditLog(redis, new Keys(config.redis.prefix).audit(), {
      maxEntries: config.audit.maxEntries,
    });
    const listing = await log.list({
      sinceSeconds,
      clusters: values.cluster === undefined ? undefined : [values.cluster],
      requestId: values.request,
      limit,
    });
    io.out(
      values.format === 'json'
        ? `${JSON.stringify(listing.records, null, 2)}\n`
        : auditTable(listing.records),
    );
    if (listing.truncated)
      io.err(`bosun audit: more than ${limit} entries matched; the oldest were left out\n`);
    return 0;
  } catch (error) {
    io.err(`bosun audit: could not read the audit log from Redis: ${(error as Error).message}\n`);
    return 1;
  } finally {
    redis.disconnect();
  }
}
