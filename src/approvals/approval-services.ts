import type { Logger } from 'pino';
import { createWebClient } from '../adapters/slack/web-client.js';
import { AuditLog } from '../audit/audit-log.js';
import { JsonLinesMirror } from '../audit/jsonl-mirror.js';
import { SlackUserNames } from '../audit/slack-user-names.js';
import type { Config } from '../config/schema.js';
import { CachedGroupMembers } from '../policy/group-members.js';
import type { GroupMembership } from '../policy/principals.js';
import type { RedisClient } from '../queue/connection.js';
import { Keys } from '../queue/keys.js';
import type { Clock } from '../shared/clock.js';
import { ApprovalStore } from './approval-store.js';
import { RedisGroupCache } from './redis-group-cache.js';
import { slackUsergroups } from './slack-usergroups.js';

/** What policy, approvals and the audit log need at run time, on one Redis connection. */
export interface ApprovalServices {
  /** The connection they share (owned by whoever made the services). */
  redis: RedisClient;
  keys: Keys;
  approvals: ApprovalStore;
  audit: AuditLog;
  groups: GroupMembership;
}

export interface ServicesContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** The process's shared Redis connection (the bot's producer connection, the worker's own). */
  redis: RedisClient;
}

/** Builds the services on `redis`, which the caller owns. */
export function approvalServices(redis: RedisClient, context: ServicesContext): ApprovalServices {
  const { config, clock, logger } = context;
  const keys = new Keys(config.redis.prefix);
  const mirror = config.audit.file
    ? new JsonLinesMirror(config.audit.file, (err) =>
        logger.warn(
          { err, file: config.audit.file },
          'audit mirror could not write; the Redis stream has the entry',
        ),
      )
    : undefined;
  const web = () => createWebClient(config.slack.botToken ?? '', logger, config.slack.apiUrl);
  // Without a bot token there is no Slack to ask; entries are then written with ids only.
  const names = config.slack.botToken ? new SlackUserNames(web, redis, keys) : undefined;
  return {
    redis,
    keys,
    approvals: new ApprovalStore(redis, keys),
    audit: new AuditLog(redis, keys.audit(), { maxEntries: config.audit.maxEntries, mirror, names }),
    groups: new CachedGroupMembers(slackUsergroups(web), new RedisGroupCache(redis, keys), clock),
  };
}

/** Runs `work` with the services on the process's shared Redis connection. */
export async function withApprovalServices<T>(
  context: ServicesContext,
  work: (services: ApprovalServices) => Promise<T>,
): Promise<T> {
  return await work(approvalServices(context.redis, context));
}
