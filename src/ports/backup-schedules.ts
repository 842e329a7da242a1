import { z } from 'zod';

/** A backup schedule as stored (in Redis) and realised as a BullMQ job scheduler. */
export const BackupScheduleSchema = z.strictObject({
  /** Short and readable, unique in its cluster: `s1`, `s2`, … */
  id: z.string().regex(/^s\d{1,6}$/),
  cluster: z.string(),
  cron: z.string(),
  /** IANA zone the cron is read in. */
  tz: z.string(),
  keep: z.number().int().min(1).optional(),
  maxAgeSeconds: z.number().int().min(1).optional(),
  /** Quiet on success: only failures and missed backups are posted. */
  onlyFailures: z.boolean(),
  /**
   * Every Nth backup of the schedule is verified in full after it is taken (dry run and restore drill); 1 every
   * backup, 0 never (the write-time checksum check only). Schedules stored before this existed drill every run.
   */
  drillEvery: z.number().int().min(0).default(1),
  namespaces: z.array(z.string()),
  excludeKinds: z.array(z.string()),
  secrets: z.boolean(),
  /** Where its notifications go unless the config names a channel: the channel it was set in. */
  channel: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
});
export type BackupSchedule = z.infer<typeof BackupScheduleSchema>;

/** What a schedule's runs left behind: the last good backup, the failures since, the missed alert raised. */
export const ScheduleStateSchema = z.object({
  lastRun: z
    .object({
      at: z.number(),
      ok: z.boolean(),
      backupId: z.string().optional(),
      reason: z.string().optional(),
    })
    .optional(),
  lastGood: z.object({ at: z.number(), backupId: z.string() }).optional(),
  /** Consecutive identical failures, grouped on one alert (its notice key). */
  failures: z
    .object({ reason: z.string(), count: z.number().int(), since: z.number(), notice: z.string() })
    .optional(),
  /** The last good backup's end time a missed alert was raised for: one alert per miss, not one per check. */
  missedFor: z.number().optional(),
  /** How many backups the schedule has taken: which of them is the Nth that is drilled. */
  taken: z.number().int().optional(),
});
export type ScheduleState = z.infer<typeof ScheduleStateSchema>;

export interface ScheduleView {
  schedule: BackupSchedule;
  state: ScheduleState;
  /** Epoch ms of the next run, as BullMQ has it. */
  next?: number;
}

export type NewSchedule = Omit<z.input<typeof BackupScheduleSchema>, 'id' | 'createdAt'>;

/** One cluster's backup schedules (durable, realised as job schedulers). */
export interface BackupSchedules {
  /**
   * Stores and schedules it. A schedule of the same cron, zone and scope on the cluster is updated in place
   * (its keep, max age, quietness), so setting it twice makes one schedule.
   */
  set(schedule: NewSchedule): Promise<{ schedule: BackupSchedule; created: boolean }>;
  list(): Promise<ScheduleView[]>;
  /** False when the cluster has no such schedule. */
  delete(id: string): Promise<boolean>;
}
