import { z } from 'zod';
import { CRON_EXAMPLE, cronProblem, isTimeZone } from '../backup/schedule-cron.js';
import { clusterFlag, rawCommand } from '../commands/grammar.js';
import { quote } from '../commands/quote.js';
import { clusterRef, durationFlag } from '../commands/values.js';
import {
  backupStatus,
  scheduleDeleted,
  scheduleList,
  scheduleSet,
} from '../messages/backup-schedule-messages.js';
import { BosunError } from '../ops/errors.js';
import { notifySettings } from '../schedules/notify-settings.js';
import { defineOperation } from './operation.js';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;
const TEN_YEARS = 10 * 365 * 86_400;

const cronArg = z.string().superRefine((pattern, ctx) => {
  const problem = cronProblem(pattern);
  if (problem)
    ctx.addIssue({
      code: 'custom',
      message: `\`${quote(pattern)}\` is not a cron: it ${problem}; try ${CRON_EXAMPLE}`,
    });
});

const zoneFlag = z.string().superRefine((zone, ctx) => {
  if (!isTimeZone(zone))
    ctx.addIssue({
      code: 'custom',
      message: `\`${quote(zone)}\` is not a time zone; use an IANA name such as \`Europe/Amsterdam\`, \`America/New_York\` or \`UTC\``,
    });
});

const list = (pattern: RegExp, what: string, example: string) =>
  z.string().transform((text, ctx) => {
    const items = [
      ...new Set(
        text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      ),
    ];
    const bad = items.find((i) => !pattern.test(i) || i.length > 63);
    if (items.length === 0 || bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `\`${quote(bad ?? text)}\` is not a ${what}; such as \`${example}\``,
      });
      return z.NEVER;
    }
    return items;
  });

const scheduleIdArg = z
  .string()
  .regex(/^s\d{1,6}$/, 'is not a schedule id; schedule ids look like s1 (see `/bosun backup schedule list`)');

export const BackupScheduleSetCommand = z.object({
  name: z.literal('backup schedule set'),
  cluster: z.string().optional(),
  cron: z.string(),
  tz: z.string(),
  keep: z.number().int().min(1).optional(),
  maxAgeSeconds: z.number().int().min(1).optional(),
  onlyFailures: z.boolean(),
  drillEvery: z.number().int().min(0),
  namespaces: z.array(z.string()),
  excludeKinds: z.array(z.string()),
  secrets: z.boolean(),
});
export type BackupScheduleSetCommand = z.infer<typeof BackupScheduleSetCommand>;

/** `backup schedule set "<cron>"`: a BullMQ job scheduler per schedule, kept in Redis, surviving every restart. */
export const backupScheduleSetOperation = defineOperation<BackupScheduleSetCommand>({
  name: 'backup schedule set',
  grammar: {
    summary: 'back the cluster up on a cron schedule, with retention, and post each result in the channel',
    args: { name: 'cron', min: 1, max: 1 },
    flags: [
      clusterFlag,
      {
        name: 'keep',
        kind: 'value',
        value: 'N',
        summary: "keep the schedule's newest N backups, delete older ones",
      },
      {
        name: 'max-age',
        kind: 'value',
        value: 'AGE',
        summary: "delete the schedule's backups older than this (30d)",
      },
      { name: 'tz', kind: 'value', value: 'ZONE', summary: 'read the cron in this time zone (default UTC)' },
      { name: 'only-failures', kind: 'boolean', summary: 'post only failures and missed backups' },
      {
        name: 'drill-every',
        kind: 'value',
        value: 'N',
        summary: 'verify every Nth backup in full, restore drill included (default 1: every one; 0: never)',
      },
      { name: 'namespace', kind: 'value', value: 'NS,…', summary: 'only these namespaces' },
      { name: 'exclude-kinds', kind: 'value', value: 'KIND,…', summary: 'leave these kinds out' },
      { name: 'no-secrets', kind: 'boolean', summary: 'leave Secrets out' },
    ],
    examples: [
      'backup schedule set "0 2 * * *" --keep 7 --tz Europe/Amsterdam',
      'backup schedule set "0 */6 * * *" --max-age 30d --only-failures --drill-every 4',
    ],
    schema: rawCommand({
      cluster: clusterRef.optional(),
      keep: z
        .string()
        .regex(/^[1-9]\d{0,3}$/, 'is not a number of backups to keep; write it like --keep 7')
        .transform(Number)
        .optional(),
      'max-age': durationFlag(TEN_YEARS).optional(),
      tz: zoneFlag.optional(),
      'only-failures': z.boolean().optional(),
      'drill-every': z
        .string()
        .regex(/^(0|[1-9]\d{0,3})$/, 'is not a number of backups; write it like --drill-every 7 (0: never)')
        .transform(Number)
        .optional(),
      namespace: list(NAMESPACE, 'namespace', '--namespace shop,payments').optional(),
      'exclude-kinds': list(KIND, 'kind', '--exclude-kinds Pod,events').optional(),
      'no-secrets': z.boolean().optional(),
    })
      .extend({ args: z.tuple([cronArg]) })
      .transform((r) => ({
        name: 'backup schedule set' as const,
        cluster: r.flags.cluster,
        cron: r.args[0].trim().replace(/\s+/g, ' '),
        tz: r.flags.tz ?? 'UTC',
        keep: r.flags.keep,
        maxAgeSeconds: r.flags['max-age'],
        onlyFailures: r.flags['only-failures'] ?? false,
        drillEvery: r.flags['drill-every'] ?? 1,
        namespaces: r.flags.namespace ?? [],
        excludeKinds: r.flags['exclude-kinds'] ?? [],
        secrets: !r.flags['no-secrets'],
      })),
  },
  command: BackupScheduleSetCommand,
  // A schedule takes backups from now on: a policy may ask for approval, as for `backup now`.
  mutates: true,
  writes: 'backup-store',
  lock: { scope: 'none' },
  resumable: false,
  async run({ request, command, ports, env }) {
    const { name: _name, cluster: _cluster, ...fields } = command;
    const { schedule, created } = await ports.schedules.set({
      ...fields,
      cluster: request.cluster,
      channel: request.channel,
      createdBy: request.user,
    });
    const view = (await ports.schedules.list()).find((v) => v.schedule.id === schedule.id);
    return {
      summary: `backup schedule ${schedule.id} ${created ? 'set' : 'updated'}: ${schedule.cron} ${schedule.tz}`,
      answer: scheduleSet(
        schedule,
        created,
        view?.next,
        notifySettings(env.config).channel ?? schedule.channel,
        env.slash,
      ),
    };
  },
});

export const BackupScheduleListCommand = z.object({
  name: z.literal('backup schedule list'),
  cluster: z.string().optional(),
});
export type BackupScheduleListCommand = z.infer<typeof BackupScheduleListCommand>;

export const backupScheduleListOperation = defineOperation<BackupScheduleListCommand>({
  name: 'backup schedule list',
  grammar: {
    summary: "the cluster's backup schedules: when, next run, retention and last result",
    args: { name: '', min: 0, max: 0 },
    flags: [clusterFlag],
    examples: ['backup schedule list'],
    schema: rawCommand({ cluster: clusterRef.optional() }).transform((r) => ({
      name: 'backup schedule list' as const,
      cluster: r.flags.cluster,
    })),
  },
  command: BackupScheduleListCommand,
  mutates: false,
  lock: { scope: 'none' },
  resumable: false,
  async run({ request, ports, env }) {
    const views = await ports.schedules.list();
    return {
      summary: `${views.length} backup schedules`,
      answer: scheduleList(request.cluster, views, env.slash, env.clock.now()),
    };
  },
});

export const BackupScheduleDeleteCommand = z.object({
  name: z.literal('backup schedule delete'),
  cluster: z.string().optional(),
  id: z.string(),
});
export type BackupScheduleDeleteCommand = z.infer<typeof BackupScheduleDeleteCommand>;

export const backupScheduleDeleteOperation = defineOperation<BackupScheduleDeleteCommand>({
  name: 'backup schedule delete',
  grammar: {
    summary: 'stop a backup schedule (its backups stay)',
    args: { name: 'schedule-id', min: 1, max: 1 },
    flags: [clusterFlag],
    examples: ['backup schedule delete s1'],
    schema: rawCommand({ cluster: clusterRef.optional() })
      .extend({ args: z.tuple([scheduleIdArg]) })
      .transform((r) => ({
        name: 'backup schedule delete' as const,
        cluster: r.flags.cluster,
        id: r.args[0],
      })),
  },
  command: BackupScheduleDeleteCommand,
  mutates: true,
  writes: 'backup-store',
  lock: { scope: 'none' },
  resumable: false,
  async run({ request, command, ports, env }) {
    const view = (await ports.schedules.list()).find((v) => v.schedule.id === command.id);
    if (!view || !(await ports.schedules.delete(command.id))) {
      throw new BosunError(
        'SCHEDULE_NOT_FOUND',
        `\`${request.cluster}\` has no backup schedule \`${command.id}\`.`,
        `\`${env.slash} backup schedule list\` shows its schedules.`,
      );
    }
    return { summary: `backup schedule ${command.id} deleted`, answer: scheduleDeleted(view.schedule) };
  },
});

export const BackupStatusCommand = z.object({
  name: z.literal('backup status'),
  cluster: z.string().optional(),
});
export type BackupStatusCommand = z.infer<typeof BackupStatusCommand>;

export const backupStatusOperation = defineOperation<BackupStatusCommand>({
  name: 'backup status',
  grammar: {
    summary: 'last good backup and its age, next scheduled run, recent failures and missed runs',
    args: { name: '', min: 0, max: 0 },
    flags: [clusterFlag],
    examples: ['backup status', 'backup status --cluster prod'],
    schema: rawCommand({ cluster: clusterRef.optional() }).transform((r) => ({
      name: 'backup status' as const,
      cluster: r.flags.cluster,
    })),
  },
  command: BackupStatusCommand,
  mutates: false,
  lock: { scope: 'none' },
  resumable: false,
  async run({ request, ports, env }) {
    const [backups, schedules] = await Promise.all([
      ports.backups.list(request.cluster),
      ports.schedules.list(),
    ]);
    const lastGood = [...backups].reverse().find((m) => m.verification.state === 'passed');
    const missed = schedules
      .filter(
        (v) =>
          v.state.missedFor !== undefined &&
          v.state.missedFor === (v.state.lastGood?.at ?? v.schedule.createdAt),
      )
      .map((v) => v.schedule.id);
    return {
      summary: lastGood ? `last good backup ${lastGood.id}` : 'no good backup yet',
      answer: backupStatus(
        { cluster: request.cluster, lastGood, schedules, missed, now: env.clock.now() },
        env.slash,
      ),
    };
  },
});
