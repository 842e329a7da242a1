import type { RedisClient } from '../queue/connection.js';
import { type AuditEntry, AuditRecord } from './audit-entry.js';
import { auditText, mentionedUsers, plainCommand } from './audit-text.js';
import type { JsonLinesMirror } from './jsonl-mirror.js';
import type { UserNames } from './user-names.js';

export interface AuditQuery {
  /** How far back, from Redis's clock. */
  sinceSeconds: number;
  /** Only entries about these clusters. */
  clusters?: readonly string[];
  requestId?: string;
  /** At most this many entries, the newest ones (default 5,000). */
  limit?: number;
}

export interface AuditListing {
  /** Oldest first. */
  records: AuditRecord[];
  /** More entries matched than `limit`; the oldest were left out. */
  truncated: boolean;
}

const PAGE = 500;

/** XADD unless the once-key exists; sets it in the same step, so a retried step records its entry once. */
const RECORD_ONCE = `
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return false end
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))`;

/**
 * The audit log: an append-only Redis stream (XADD, trimmed with MAXLEN ~ to about `maxEntries`), optionally
 * mirrored to a JSON-lines file. Entries are never changed; what happened later is a new entry. Every entry is
 * written in plain text: the command without Slack's escapes, the detail a short sentence with people (`<@U…>`)
 * by name, and the acting person's name beside their id, all as `names` tells them now.
 */
export class AuditLog {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly options: { maxEntries: number; mirror?: JsonLinesMirror; names?: UserNames },
  ) {}

  private async plain(entry: AuditEntry): Promise<AuditEntry> {
    const names = this.options.names;
    const ids = [...new Set([entry.user, ...mentionedUsers(entry.detail)])];
    const known = new Map(
      names ? await Promise.all(ids.map(async (id) => [id, await names.nameOf(id)] as const)) : [],
    );
    return {
      ...entry,
      userName: entry.userName ?? known.get(entry.user),
      command: entry.command === undefined ? undefined : plainCommand(entry.command),
      detail: entry.detail === undefined ? undefined : auditText(entry.detail, (id) => known.get(id)),
    };
  }

  async record(written: AuditEntry): Promise<AuditRecord> {
    const entry = await this.plain(written);
    const fields = fieldsOf(entry);
    const id = await this.redis.xadd(
      this.key,
      'MAXLEN',
      '~',
      String(this.options.maxEntries),
      '*',
      ...fields,
    );
    const record: AuditRecord = { ...entry, id: String(id), at: timeOfId(String(id)) };
    await this.options.mirror?.append(record);
    return record;
  }

  /**
   * Records `entry` unless an entry was recorded under `onceKey` (a key of the same installation) within
   * `ttlSeconds`: what a step retried until it completes uses, so its entry appears once. Undefined when it was
   * recorded before.
   */
  async recordOnce(
    onceKey: string,
    written: AuditEntry,
    ttlSeconds = 14 * 86400,
  ): Promise<AuditRecord | undefined> {
    const entry = await this.plain(written);
    const id = await this.redis.eval(
      RECORD_ONCE,
      2,
      this.key,
      onceKey,
      String(ttlSeconds),
      String(this.options.maxEntries),
      ...fieldsOf(entry),
    );
    if (typeof id !== 'string') return undefined;
    const record: AuditRecord = { ...entry, id, at: timeOfId(id) };
    await this.options.mirror?.append(record);
    return record;
  }

  async list(query: AuditQuery): Promise<AuditListing> {
    const limit = query.limit ?? 5000;
    const [seconds, micros] = await this.redis.time();
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    // Older versions wrote a job's every thread reply and progress (`job-step`): not part of the story told.
    const matches = (record: AuditRecord) =>
      record.event !== 'job-step' &&
      (query.clusters === undefined ||
        (record.cluster !== undefined && query.clusters.includes(record.cluster))) &&
      (query.requestId === undefined || record.requestId === query.requestId);
    // Newest first, so that a long listing keeps the most recent entries.
    const newestFirst: AuditRecord[] = [];
    let end = '+';
    const start = `${Math.max(0, nowMs - query.sinceSeconds * 1000)}-0`;
    for (;;) {
      const page = await this.redis.xrevrange(this.key, end, start, 'COUNT', PAGE);
      for (const [id, flat] of page) {
        const record = decode(id, flat);
        if (record && matches(record)) {
          if (newestFirst.length === limit) return { records: newestFirst.reverse(), truncated: true };
          newestFirst.push(record);
        }
      }
      const last = page.at(-1);
      if (page.length < PAGE || !last) break;
      end = `(${last[0]}`;
    }
    return { records: newestFirst.reverse(), truncated: false };
  }
}

function fieldsOf(entry: AuditEntry): string[] {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(entry)) {
    if (value !== undefined) fields.push(name, String(value));
  }
  return fields;
}

function timeOfId(id: string): number {
  return Number(id.split('-')[0]);
}

function decode(id: string, flat: string[]): AuditRecord | undefined {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] ?? ''] = flat[i + 1] ?? '';
  const parsed = AuditRecord.safeParse({ ...fields, id, at: timeOfId(id) });
  return parsed.success ? parsed.data : undefined;
}
