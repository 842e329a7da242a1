import { z } from 'zod';
import { BACKUP_ID } from '../backup/backup-id.js';
import {
  findBackup,
  type RestoreResult,
  readBackupFiles,
  readTargetState,
  restoreBackup,
} from '../backup/restore-backup.js';
import type { ItemResult, RestoreProgress, SavedResults } from '../backup/restore-execute.js';
import { planRestore, type RestoreFilters, type RestoreItem } from '../backup/restore-plan.js';
import { clusterFlag, rawCommand } from '../commands/grammar.js';
import { clusterRef } from '../commands/values.js';
import {
  type RestoreLine,
  type RestoreView,
  restorePreviewSections,
  restoreProgressDetail,
  restoreReport,
  restoreResumedMessage,
  restoreStoppedMessage,
  restoreSummaryLine,
} from '../messages/restore-messages.js';
import { BosunError, CancelledError } from '../ops/errors.js';
import type { BackupManifest } from '../ports/backup-manifest.js';
import { commaList } from './backup.js';
import { calmProgress } from './calm-progress.js';
import { defineOperation, type PreviewContext } from './operation.js';

export const RESTORE_CHECKPOINT = 'restoreState';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

export const RestoreCommand = z.object({
  name: z.literal('restore'),
  cluster: z.string().optional(),
  /** A backup id or `latest`. */
  backup: z.string(),
  namespaces: z.array(z.string()),
  toNamespace: z.string().optional(),
  kinds: z.array(z.string()),
  overwrite: z.boolean(),
  dryRun: z.boolean(),
});
export type RestoreCommand = z.infer<typeof RestoreCommand>;

/**
 * What a restore records for the worker that may resume it: the backup it restores (`latest` resolved once),
 * how many runs it had, and what each written or refused object came to, by plan index.
 */
const RestoreState = z.object({
  backupId: z.string(),
  runs: z.number().int().min(1),
  results: z.array(
    z.tuple([z.number().int().min(0), z.enum(['created', 'replaced', 'failed']), z.string().optional()]),
  ),
});
type RestoreState = z.infer<typeof RestoreState>;

// JSON has no undefined in arrays (it becomes null): a result without a reason is two elements long.
const encode = (results: SavedResults): RestoreState['results'] =>
  [...results].flatMap(([index, r]): RestoreState['results'] => {
    if (r.outcome === 'skipped') return [];
    return [r.reason === undefined ? [index, r.outcome] : [index, r.outcome, r.reason]];
  });
const decode = (results: RestoreState['results']): SavedResults =>
  new Map(results.map(([index, outcome, reason]) => [index, { outcome, reason } satisfies ItemResult]));

const filtersOf = (command: RestoreCommand): RestoreFilters => ({
  namespaces: command.namespaces,
  kinds: command.kinds,
  toNamespace: command.toNamespace,
  overwrite: command.overwrite,
});

/** `namespace billing into billing-copy; only ConfigMap, Secret`: what the restore covers, in words. */
function scopeText(command: RestoreCommand): string {
  const where =
    command.namespaces.length === 0
      ? 'everything'
      : `namespace${command.namespaces.length === 1 ? '' : 's'} ${command.namespaces.join(', ')}${command.toNamespace ? ` into ${command.toNamespace}` : ''}`;
  const kinds = command.kinds.length > 0 ? `; only ${command.kinds.join(', ')}` : '';
  const overwrite = command.overwrite ? '; replacing what exists' : '';
  return `${where}${kinds}${overwrite}`;
}

/** The backup named (`latest`: the newest that passed its last verification), or the author's mistake. */
async function backupOf(
  ctx: Pick<PreviewContext<RestoreCommand>, 'ports' | 'request' | 'env'>,
  ref: string,
): Promise<BackupManifest> {
  // `latest` as of when the command was typed: the preview and the run find the same backup.
  const manifest = await findBackup(ctx.ports.backups, ctx.request.cluster, ref, ctx.request.requestedAt);
  if (manifest) return manifest;
  throw new BosunError(
    'BACKUP_NOT_FOUND',
    ref === 'latest'
      ? `\`${ctx.request.cluster}\` has no backup that passed its verification.`
      : `\`${ctx.request.cluster}\` has no backup \`${ref}\`.`,
    ref === 'latest'
      ? `Take one with \`${ctx.env.slash} backup now\`.`
      : `\`${ctx.env.slash} backup list\` shows its backups.`,
  );
}

function linesOf(items: readonly RestoreItem[], results?: readonly ItemResult[]): RestoreLine[] {
  return items.map((item, i) => {
    const result = results?.[i];
    return {
      kind: item.key,
      namespace: item.namespace,
      name: item.name,
      outcome:
        result?.outcome ??
        (item.action === 'skip' ? 'skipped' : item.action === 'create' ? 'created' : 'replaced'),
      reason: result?.reason ?? item.skip?.reason,
    };
  });
}

/**
 * `restore <id|latest>`: a backup back into the cluster in dependency order (src/backup/restore-plan.ts),
 * through approval; `--dry-run` asks nobody and changes nothing. Resumable: what was written is checkpointed and
 * labelled with the request id, so a worker that dies is replaced by one that carries on and counts right.
 */
export const restoreOperation = defineOperation<RestoreCommand>({
  name: 'restore',
  grammar: {
    summary: 'restore a backup into the cluster in dependency order; existing objects are left alone',
    args: { name: 'backup-id|latest', min: 1, max: 1 },
    flags: [
      clusterFlag,
      {
        name: 'namespace',
        kind: 'value',
        value: 'NS,…',
        summary: 'only these namespaces (and the definitions their custom objects need)',
      },
      {
        name: 'to-namespace',
        kind: 'value',
        value: 'NS',
        summary: 'restore the one --namespace into this namespace instead',
      },
      { name: 'kinds', kind: 'value', value: 'KIND,…', summary: 'only these kinds (ConfigMap,secrets)' },
      { name: 'overwrite', kind: 'boolean', summary: 'replace objects that exist (default: skip them)' },
      {
        name: 'dry-run',
        kind: 'boolean',
        summary: 'show per kind what would be created, replaced or skipped; change nothing',
      },
    ],
    examples: [
      'restore latest --namespace shop --dry-run',
      'restore 20261207-153045-k3qf --namespace shop --to-namespace shop-copy',
      'restore latest --namespace shop',
    ],
    schema: rawCommand({
      cluster: clusterRef.optional(),
      namespace: commaList(NAMESPACE, 'namespace', '--namespace shop,payments').optional(),
      'to-namespace': z
        .string()
        .regex(NAMESPACE, 'is not a namespace name; use lowercase letters, digits and -')
        .max(63)
        .optional(),
      kinds: commaList(KIND, 'kind', '--kinds ConfigMap,Secret').optional(),
      overwrite: z.boolean().optional(),
      'dry-run': z.boolean().optional(),
    })
      .extend({
        args: z.tuple([
          z
            .string()
            .refine(
              (ref) => ref === 'latest' || BACKUP_ID.test(ref),
              'is not a backup id; backup ids look like 20261207-153045-k3qf (see `/bosun backup list`), or say `latest`',
            ),
        ]),
      })
      .superRefine((r, ctx) => {
        if (r.flags['to-namespace'] !== undefined && r.flags.namespace?.length !== 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['flags', 'to-namespace'],
            message:
              'needs exactly one `--namespace`, the one to restore from, such as `--namespace shop --to-namespace shop-copy`',
          });
        }
      })
      .transform((r) => ({
        name: 'restore' as const,
        cluster: r.flags.cluster,
        backup: r.args[0],
        namespaces: r.flags.namespace ?? [],
        toNamespace: r.flags['to-namespace'],
        kinds: r.flags.kinds ?? [],
        overwrite: r.flags.overwrite ?? false,
        dryRun: r.flags['dry-run'] ?? false,
      })),
  },
  command: RestoreCommand,
  mutates: true,
  dryRun: (command) => command.dryRun,
  // Writes across the cluster: no node operation, upgrade or other restore meanwhile. A dry run locks nothing.
  lock: { scope: 'cluster', unless: (command) => command.dryRun },
  resumable: true,

  async preview(ctx) {
    const { command, ports, request, signal } = ctx;
    const backup = await backupOf(ctx, command.backup);
    const files = await readBackupFiles(ports.backups, backup, command.namespaces, signal);
    const target = await readTargetState(ports.resources, files, filtersOf(command), undefined, signal);
    const plan = planRestore(files, filtersOf(command), target, request.id);
    return {
      sections: restorePreviewSections({
        cluster: request.cluster,
        backupId: backup.id,
        dryRun: true,
        scope: scopeText(command),
        lines: linesOf(plan.items),
      }),
    };
  },

  async run(ctx) {
    const { request, command, ports, env, signal } = ctx;
    const parsed = RestoreState.safeParse(ctx.saved(RESTORE_CHECKPOINT));
    const earlier = parsed.success ? parsed.data : undefined;
    const backupId = earlier?.backupId ?? (await backupOf(ctx, command.backup)).id;
    const runs = (earlier?.runs ?? 0) + 1;
    const checkpoint = ctx.checkpoint<RestoreState>(RESTORE_CHECKPOINT);
    let results: RestoreState['results'] = earlier?.results ?? [];
    // `latest` is pinned before anything is written: a resumed restore goes on with the same backup.
    if (!command.dryRun) await checkpoint.save({ backupId, runs, results });
    const progress = calmProgress(ctx);
    await ctx.progress(`Reading backup ${backupId} and what the cluster holds…`);
    let result: RestoreResult;
    let last: RestoreProgress | undefined;
    try {
      result = await restoreBackup(
        { resources: ports.resources, store: ports.backups, clock: env.clock },
        { cluster: request.cluster, id: backupId },
        {
          ...filtersOf(command),
          dryRun: command.dryRun,
          restoreId: request.id,
          saved: decode(results),
          onPlan: async (plan) => {
            if (!earlier) return;
            const saved = decode(results);
            const written = plan.items.filter(
              (item, i) => item.done !== undefined || (saved.get(i)?.outcome ?? 'failed') !== 'failed',
            ).length;
            await ctx.reply(restoreResumedMessage(written));
          },
          onCheckpoint: async (saved) => {
            results = encode(saved);
            await checkpoint.save({ backupId, runs, results });
          },
        },
        (p) => {
          last = p;
          progress.update(restoreProgressDetail(p));
        },
        signal,
      );
    } catch (error) {
      // Cancelled (not paused for another worker): say how far it got before the card says cancelled.
      if (signal.aborted && signal.reason instanceof CancelledError && last)
        await ctx.reply(restoreStoppedMessage(last, request.id));
      throw error;
    } finally {
      progress.stop();
    }
    const view: RestoreView = {
      cluster: request.cluster,
      backupId,
      dryRun: command.dryRun,
      scope: scopeText(command),
      lines: linesOf(result.plan.items, result.results),
      resumed: runs > 1 ? runs - 1 : undefined,
    };
    const { message, attachment } = restoreReport(view);
    const failed = result.results.some((r) => r.outcome === 'failed');
    const state = failed ? 'failed' : 'succeeded';
    // A short dry run is a read-only answer: on the card itself. A long one, and every restore, in the thread
    // (the report, then the file of every object under its title: the outbox posts them as two replies).
    if (command.dryRun && !attachment) return { summary: restoreSummaryLine(view), state, answer: message };
    await ctx.reply(message, attachment);
    return { summary: restoreSummaryLine(view), state };
  },
});
