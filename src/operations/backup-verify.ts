import { z } from 'zod';
import { verifyBackup } from '../backup/verify-backup.js';
import { clusterFlag, rawCommand } from '../commands/grammar.js';
import { clusterRef } from '../commands/values.js';
import { backupVerified } from '../messages/backup-verify-messages.js';
import { BosunError } from '../ops/errors.js';
import { backupIdArg } from './backup.js';
import { calmProgress } from './calm-progress.js';
import { defineOperation } from './operation.js';

export const BackupVerifyCommand = z.object({
  name: z.literal('backup verify'),
  cluster: z.string().optional(),
  id: z.string(),
});
export type BackupVerifyCommand = z.infer<typeof BackupVerifyCommand>;

/**
 * `backup verify <id>`: the checks of `backup now` again, from the store, plus parsing every file and a
 * server-side dry-run create of what a restore would create. It changes nothing in the cluster (dry runs are
 * never stored) and writes only its result into the backup's manifest, so it waits for no approval.
 */
export const backupVerifyOperation = defineOperation<BackupVerifyCommand>({
  name: 'backup verify',
  grammar: {
    summary:
      'check a backup again: every checksum, every file parsed, and a dry-run create of its objects on the cluster',
    args: { name: 'backup-id', min: 1, max: 1 },
    flags: [clusterFlag],
    examples: ['backup verify 20261207-153045-k3qf', 'backup verify 20261207-153045-k3qf --cluster prod'],
    schema: rawCommand({ cluster: clusterRef.optional() })
      .extend({ args: z.tuple([backupIdArg]) })
      .transform((r) => ({ name: 'backup verify' as const, cluster: r.flags.cluster, id: r.args[0] })),
  },
  command: BackupVerifyCommand,
  mutates: false,
  lock: { scope: 'none' },
  resumable: false,
  async run(ctx) {
    const { request, command, ports, env, signal } = ctx;
    const progress = calmProgress(ctx);
    await ctx.progress(`Reading backup ${command.id} back from the ${ports.backups.description}…`);
    const report = await verifyBackup(
      { store: ports.backups, resources: ports.resources, clock: env.clock, drill: ports.drill },
      request.cluster,
      command.id,
      (p) =>
        progress.update(
          p.step === 'files'
            ? `Checking files: ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')}`
            : `Dry-run create on ${request.cluster}: ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} objects`,
        ),
      signal,
    )
      .catch((error: unknown) => {
        if (error instanceof BosunError && error.code === 'BACKUP_NOT_FOUND') {
          throw new BosunError(error.code, error.message, `\`${env.slash} backup list\` shows its backups.`);
        }
        throw error;
      })
      .finally(() => progress.stop());
    const { verification } = report.manifest;
    return {
      summary:
        verification.state === 'passed'
          ? `backup ${command.id} passed verification`
          : `backup ${command.id} FAILED verification (${verification.problems.length} problems)`,
      state: verification.state === 'passed' ? 'succeeded' : 'failed',
      answer: backupVerified(report),
    };
  },
});
