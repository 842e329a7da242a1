import type { Queue } from 'bullmq';
import {
  type BackupSchedule,
  BackupScheduleSchema,
  type BackupSchedules,
  type NewSchedule,
  type ScheduleState,
  ScheduleStateSchema,
  type ScheduleView,
} from '../ports/backup-schedules.js';
import type { RedisClient } from '../queue/connection.js';
import type { Keys } from '../queue/keys.js';
import type { SchedulesPayload } from '../queue/payloads.js';
import type { Clock } from '../shared/clock.js';

/** BullMQ's id of a schedule's job scheduler. */
export const schedulerId = (cluster: string, id: string) => `backup:${cluster}:${id}`;
/** The one job scheduler of the missed-backup check, shared by every worker. */
export const MISSED_CHECK_SCHEDULER = 'missed-backups';

const sameScope = (a: NewSchedule, b: BackupSchedule) =>
  a.cron === b.cron &&
  a.tz === b.tz &&
  a.secrets === b.secrets &&
  a.namespaces.join(',') === b.namespaces.join(',') &&
  a.excludeKinds.join(',') === b.excludeKinds.join(',');

const STATE_FIELDS = ['lastRun', 'lastGood', 'failures', 'missedFor'] as const;
type StateField = (typeof STATE_FIELDS)[number];

/**
 * Backup schedules, durable in Redis (a hash per cluster), each realised as a BullMQ job scheduler on the
 * `schedules` queue: the scheduler lives in Redis too, so the schedule fires whichever worker runs, after a
 * restart of any process. Each schedule's state is a hash of separate fields, so the run and the missed check
 * never overwrite each other's.
 */
export class ScheduleStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly queue: Queue,
    private readonly clock: Clock,
  ) {}

  forCluster(cluster: string): BackupSchedules {
    return {
      set: (schedule) => this.set(cluster, schedule),
      list: () => this.list(cluster),
      delete: (id) => this.delete(cluster, id),
    };
  }

  async get(cluster: string, id: string): Promise<BackupSchedule | undefined> {
    const raw = await this.redis.hget(this.keys.schedules(cluster), id);
    return raw ? BackupScheduleSchema.parse(JSON.parse(raw)) : undefined;
  }

  async schedules(cluster: string): Promise<BackupSchedule[]> {
    const all = await this.redis.hgetall(this.keys.schedules(cluster));
    return Object.values(all)
      .map((raw) => BackupScheduleSchema.parse(JSON.parse(raw)))
      .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  }

  async state(cluster: string, id: string): Promise<ScheduleState> {
    const raw = await this.redis.hgetall(this.keys.scheduleState(cluster, id));
    const parsed: Record<string, unknown> = {};
    for (const field of STATE_FIELDS) if (raw[field] !== undefined) parsed[field] = JSON.parse(raw[field]);
    return ScheduleStateSchema.parse(parsed);
  }

  /** Writes the fields given; `undefined` clears one. */
  async updateState(cluster: string, id: string, change: Partial<ScheduleState>): Promise<void> {
    const key = this.keys.scheduleState(cluster, id);
    for (const field of Object.keys(change) as StateField[]) {
      const value = change[field];
      if (value === undefined) await this.redis.hdel(key, field);
      else await this.redis.hset(key, field, JSON.stringify(value));
    }
  }

  private async set(
    cluster: string,
    input: NewSchedule,
  ): Promise<{ schedule: BackupSchedule; created: boolean }> {
    const existing = (await this.schedules(cluster)).find((s) => sameScope(input, s));
    const id = existing?.id ?? `s${await this.redis.incr(this.keys.scheduleIds(cluster))}`;
    const schedule = BackupScheduleSchema.parse({
      ...input,
      cluster,
      id,
      createdAt: existing?.createdAt ?? this.clock.now(),
    });
    await this.redis.hset(this.keys.schedules(cluster), id, JSON.stringify(schedule));
    await this.upsertScheduler(schedule);
    return { schedule, created: existing === undefined };
  }

  /** Makes (or remakes) the schedule's job scheduler; idempotent. */
  async upsertScheduler(schedule: BackupSchedule): Promise<void> {
    const data: SchedulesPayload = {
      v: 1,
      kind: 'backup',
      cluster: schedule.cluster,
      scheduleId: schedule.id,
    };
    await this.queue.upsertJobScheduler(
      schedulerId(schedule.cluster, schedule.id),
      { pattern: schedule.cron, tz: schedule.tz },
      { name: 'scheduled-backup', data, opts: { removeOnComplete: 50, removeOnFail: 50 } },
    );
  }

  private async list(cluster: string): Promise<ScheduleView[]> {
    const schedules = await this.schedules(cluster);
    return await Promise.all(
      schedules.map(async (schedule) => {
        const scheduler = await this.queue.getJobScheduler(schedulerId(cluster, schedule.id));
        const next = scheduler?.next !== undefined ? Number(scheduler.next) : undefined;
        return { schedule, state: await this.state(cluster, schedule.id), next };
      }),
    );
  }

  private async delete(cluster: string, id: string): Promise<boolean> {
    await this.queue.removeJobScheduler(schedulerId(cluster, id));
    const removed = await this.redis.hdel(this.keys.schedules(cluster), id);
    await this.redis.del(this.keys.scheduleState(cluster, id));
    return removed > 0;
  }
}
