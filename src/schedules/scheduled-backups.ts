import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import { newBackupId } from '../backup/backup-id.js';
import { chooseExpired } from '../backup/retention.js';
import { runBackup } from '../backup/run-backup.js';
import { missedAfter } from '../backup/schedule-cron.js';
import { verifyBackup } from '../backup/verify-backup.js';
import type { Config } from '../config/schema.js';
import {
  missedBackup,
  missedBackupRecovered,
  scheduledBackupFailed,
  scheduledBackupRecovered,
  scheduledBackupTaken,
} from '../messages/backup-notifications.js';
import type { ClusterPorts } from '../ops/cluster-ports.js';
import { BosunError } from '../ops/errors.js';
import type { BackupManifest } from '../ports/backup-manifest.js';
import type { BackupSchedule, ScheduleState } from '../ports/backup-schedules.js';
import type { Outbox } from '../queue/outbox.js';
import { SchedulesPayload, type SlackMessage } from '../queue/payloads.js';
import type { Clock } from '../shared/clock.js';
import { notifySettings } from './notify-settings.js';
import type { ScheduleStore } from './schedule-store.js';

export interface ScheduledBackupDeps {
  config: Config;
  store: ScheduleStore;
  cluster(name: string): ClusterPorts;
  outbox: Outbox;
  clock: Clock;
  logger: Logger;
  slash: string;
  bosunVersion: string;
}

/** The missed-backup alert of a schedule, for the good backup (or the schedule's start) it counts from. */
const missedKey = (schedule: BackupSchedule, since: number) =>
  `missed-${schedule.cluster}-${schedule.id}-${since}`;

/** The trigger a schedule's backups carry in their manifest; retention looks only at these. */
export const scheduleTrigger = (id: string) => `schedule ${id}`;

/** What a failure is grouped by: its words, without the ids and numbers that differ from run to run. */
function failureReason(error: unknown): string {
  return failureText(error instanceof BosunError ? error.message : (error as Error).message || String(error));
}

function failureText(text: string): string {
  return text
    .replace(/\d{8}-\d{6}-[a-z2-9]{4}/g, '…')
    .replace(/\s+/g, ' ')
    .slice(0, 300);
}

const channelOf = (deps: ScheduledBackupDeps, schedule: BackupSchedule) =>
  notifySettings(deps.config).channel ?? schedule.channel;

async function notify(
  deps: ScheduledBackupDeps,
  schedule: BackupSchedule,
  key: string,
  message: SlackMessage,
) {
  await deps.outbox.enqueue(
    { v: 1, kind: 'notice', channel: channelOf(deps, schedule), key, message },
    `notice-${key}`,
  );
}

async function renotify(
  deps: ScheduledBackupDeps,
  schedule: BackupSchedule,
  key: string,
  message: SlackMessage,
) {
  await deps.outbox.enqueue({
    v: 1,
    kind: 'notice-edit',
    channel: channelOf(deps, schedule),
    key,
    message,
    version: deps.clock.now(),
  });
}

/**
 * One run of a schedule: the same backup as `backup now` (trigger `schedule <id>`), then retention over the
 * backups this schedule took (keep last N, max age; never the newest verified one), then one notification. A
 * failure is posted with the reason and the owners; the same failure again rewrites that alert with the count
 * instead of posting a new one, and the first good backup after marks it recovered.
 */
export async function runScheduledBackup(
  deps: ScheduledBackupDeps,
  cluster: string,
  scheduleId: string,
  signal?: AbortSignal,
): Promise<{ backupId?: string; deleted: string[]; failed?: string }> {
  const schedule = await deps.store.get(cluster, scheduleId);
  const log = deps.logger.child({ cluster, schedule: scheduleId });
  if (!schedule) {
    log.warn('a job scheduler fired for a schedule that is gone; nothing to do');
    return { deleted: [] };
  }
  const ports = deps.cluster(cluster);
  const state = await deps.store.state(cluster, scheduleId);
  const now = deps.clock.now();
  const id = newBackupId(now);
  let manifest: BackupManifest;
  try {
    manifest = await runBackup(
      {
        resources: ports.resources,
        store: ports.backups,
        version: ports.version,
        clock: deps.clock,
        bosunVersion: deps.bosunVersion,
      },
      {
        id,
        cluster,
        trigger: scheduleTrigger(scheduleId),
        namespaces: schedule.namespaces,
        excludeKinds: schedule.excludeKinds,
        secrets: schedule.secrets,
      },
      () => {},
      signal,
    );
  } catch (error) {
    if (signal?.aborted) throw error;
    log.warn({ err: error }, 'scheduled backup failed');
    await reportFailure(deps, schedule, state, failureReason(error), id, { at: now, ok: false });
    return { deleted: [], failed: failureReason(error) };
  }
  const taken = (state.taken ?? 0) + 1;
  // Every Nth backup is verified in full (dry run, restore drill) before retention looks at it: a backup that
  // fails is never the newest verified one retention keeps, nor `latest`.
  if (ports.drill && schedule.drillEvery > 0 && (taken - 1) % schedule.drillEvery === 0) {
    const failure = await verifyInFull(deps, ports, manifest, signal);
    if (failure.manifest) manifest = failure.manifest;
    if (failure.reason) {
      log.warn({ backupId: manifest.id, reason: failure.reason }, 'scheduled backup failed verification');
      await reportFailure(deps, schedule, { ...state, taken }, failure.reason, id, {
        at: Date.parse(manifest.finishedAt),
        ok: false,
        backupId: manifest.id,
      });
      return { backupId: manifest.id, deleted: [], failed: failure.reason };
    }
  }
  // The backup is taken: what follows (retention, notices) is not a failed backup, whatever goes wrong.
  const deleted = await applyRetention(deps, ports, schedule, log);
  const finished = Date.parse(manifest.finishedAt);
  await deps.store.updateState(cluster, scheduleId, {
    lastRun: { at: finished, ok: true, backupId: manifest.id },
    lastGood: { at: finished, backupId: manifest.id },
    failures: undefined,
    taken,
  });
  const missedSince = state.lastGood?.at ?? schedule.createdAt;
  if (state.missedFor !== undefined && state.missedFor === missedSince) {
    await renotify(
      deps,
      schedule,
      missedKey(schedule, missedSince),
      missedBackupRecovered(schedule, missedSince, manifest),
    );
  }
  if (state.failures) {
    await renotify(
      deps,
      schedule,
      state.failures.notice,
      scheduledBackupRecovered(schedule, state.failures, manifest),
    );
  }
  if (!schedule.onlyFailures) {
    await notify(
      deps,
      schedule,
      `backup-${cluster}-${manifest.id}`,
      scheduledBackupTaken(schedule, manifest, deleted, deps.slash),
    );
  }
  log.info({ backupId: manifest.id, deleted }, 'scheduled backup taken');
  return { backupId: manifest.id, deleted };
}

/**
 * Records a failed run and alerts: the reason and the owners, or, when it failed the same way last time, the
 * same alert rewritten with the count.
 */
async function reportFailure(
  deps: ScheduledBackupDeps,
  schedule: BackupSchedule,
  state: ScheduleState,
  reason: string,
  runId: string,
  lastRun: NonNullable<ScheduleState['lastRun']>,
): Promise<void> {
  const { cluster, id: scheduleId } = schedule;
  const now = deps.clock.now();
  const same = state.failures && state.failures.reason === reason ? state.failures : undefined;
  const failures = same
    ? { ...same, count: same.count + 1 }
    : { reason, count: 1, since: now, notice: `failed-${cluster}-${scheduleId}-${runId}` };
  await deps.store.updateState(cluster, scheduleId, {
    lastRun: { ...lastRun, reason },
    failures,
    ...(state.taken !== undefined ? { taken: state.taken } : {}),
  });
  const message = scheduledBackupFailed(
    {
      schedule,
      reason,
      count: failures.count,
      since: failures.since,
      owners: notifySettings(deps.config).owners,
      lastGood: state.lastGood,
      now,
    },
    deps.slash,
  );
  if (same) await renotify(deps, schedule, failures.notice, message);
  else await notify(deps, schedule, failures.notice, message);
}

/** `backup verify` of a backup the schedule just took, restore drill included; the reason when it failed. */
async function verifyInFull(
  deps: ScheduledBackupDeps,
  ports: ClusterPorts,
  manifest: BackupManifest,
  signal?: AbortSignal,
): Promise<{ manifest?: BackupManifest; reason?: string }> {
  try {
    const report = await verifyBackup(
      { store: ports.backups, resources: ports.resources, clock: deps.clock, drill: ports.drill },
      manifest.cluster,
      manifest.id,
      () => {},
      signal,
    );
    const { problems } = report.manifest.verification;
    if (report.manifest.verification.state === 'passed') return { manifest: report.manifest };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    return {
      manifest: report.manifest,
      reason: failureText(
        `the backup failed verification: ${problems[0] ?? 'no problem named'}${more}; it is kept, listed as FAILED and never taken as latest`,
      ),
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { reason: `the backup was taken but its verification could not run: ${failureReason(error)}` };
  }
}

async function applyRetention(
  deps: ScheduledBackupDeps,
  ports: ClusterPorts,
  schedule: BackupSchedule,
  log: Logger,
): Promise<string[]> {
  if (schedule.keep === undefined && schedule.maxAgeSeconds === undefined) return [];
  let listed: BackupManifest[];
  try {
    listed = await ports.backups.list(schedule.cluster);
  } catch (err) {
    log.warn({ err }, 'retention could not list the backups; trying again next run');
    return [];
  }
  const mine = listed.filter((m) => m.trigger === scheduleTrigger(schedule.id));
  const verdict = chooseExpired(
    mine,
    {
      keep: schedule.keep,
      maxAgeMs: schedule.maxAgeSeconds === undefined ? undefined : schedule.maxAgeSeconds * 1000,
    },
    deps.clock.now(),
  );
  const deleted: string[] = [];
  for (const manifest of verdict.remove) {
    try {
      await ports.backups.delete(schedule.cluster, manifest.id);
      deleted.push(manifest.id);
    } catch (err) {
      log.warn({ err, backupId: manifest.id }, 'retention could not delete a backup; trying again next run');
    }
  }
  return deleted;
}

/**
 * Every schedule of every cluster with no good backup within two of its runs (schedule-cron.ts `missedAfter`)
 * raises one alert naming the last good backup; it is raised once per miss (the state remembers for which good
 * backup), not at every check.
 */
export async function checkMissedBackups(deps: ScheduledBackupDeps): Promise<string[]> {
  const raised: string[] = [];
  const now = deps.clock.now();
  for (const { name: cluster } of deps.config.clusters) {
    for (const schedule of await deps.store.schedules(cluster)) {
      const state = await deps.store.state(cluster, schedule.id);
      const since = state.lastGood?.at ?? schedule.createdAt;
      if (state.missedFor === since || now <= missedAfter(schedule.cron, schedule.tz, since)) continue;
      await deps.store.updateState(cluster, schedule.id, { missedFor: since });
      await notify(
        deps,
        schedule,
        missedKey(schedule, since),
        missedBackup(
          { schedule, owners: notifySettings(deps.config).owners, lastGood: state.lastGood, now },
          deps.slash,
        ),
      );
      raised.push(`${cluster}/${schedule.id}`);
    }
  }
  return raised;
}

/** The processor of the `schedules` queue. */
export function schedulesProcessor(deps: ScheduledBackupDeps) {
  return async function processScheduleJob(job: Job): Promise<unknown> {
    const parsed = SchedulesPayload.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`schedules payload does not decode: ${parsed.error.message}`);
    const payload = parsed.data;
    if (payload.kind === 'missed-check') return { raised: await checkMissedBackups(deps) };
    return await runScheduledBackup(deps, payload.cluster, payload.scheduleId);
  };
}
