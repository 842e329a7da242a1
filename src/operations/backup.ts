import { z } from 'zod';
import { BACKUP_ID, newBackupId } from '../backup/backup-id.js';
import { runBackup } from '../backup/run-backup.js';
import { clusterFlag, rawCommand } from '../commands/grammar.js';
import { quote } from '../commands/quote.js';
import { clusterRef } from '../commands/values.js';
import { backupDetails, backupList, backupTaken } from '../messages/backup-messages.js';
import { BosunError } from '../ops/errors.js';
import { BOSUN_VERSION } from '../shared/bosun-version.js';
import { calmProgress } from './calm-progress.js';
import { defineOperation } from './operation.js';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

/** `a,b,c` → [a, b, c], each checked; used by `--namespace` and `--exclude-kinds`. */
export function commaList(pattern: RegExp, what: string, example: string) {
  return z.string().transform((text, ctx) => {
    const items = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const bad = items.find((i) => !pattern.test(i) || i.length > 63);
    if (items.length === 0 || bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `\`${quote(bad ?? text)}\` is not a ${what}; list them with commas, such as \`${example}\``,
      });
      return z.NEVER;
    }
    return [...new Set(items)];
  });
}

/** `--what resources|etcd|all`: resources are the only kind until etcd snapshots exist; `all` takes them, and says so. */
const whatFlag = z.string().transform((text, ctx) => {
  const what = text.toLowerCase();
  if (what === 'resources' || what === 'all') return what;
  ctx.addIssue({
    code: 'custom',
    message:
      what === 'etcd'
        ? `bosun does not take etcd snapshots yet; \`--what resources\` (the default) backs up every resource`
        : `\`${quote(text)}\` is not a kind of backup; use \`resources\`, \`etcd\` or \`all\``,
  });
  return z.NEVER;
});

/** The manifest's warning when `--what all` could take only the resources. */
export const NO_ETCD_YET =
  'asked for all: bosun does not take etcd snapshots yet, so this backup holds the resources only';

/** `20261207-153045-k3qf`, as `backup list` shows it. */
export const backupIdArg = z
  .string()
  .regex(
    BACKUP_ID,
    'is not a backup id; backup ids look like 20261207-153045-k3qf (see `/bosun backup list`)',
  );

export const BackupNowCommand = z.object({
  name: z.literal('backup now'),
  cluster: z.string().optional(),
  namespaces: z.array(z.string()),
  selector: z.string().optional(),
  excludeKinds: z.array(z.string()),
  secrets: z.boolean(),
  /** `--what all`; resources are all a backup holds until etcd snapshots exist. */
  what: z.enum(['resources', 'all']).optional(),
});
export type BackupNowCommand = z.infer<typeof BackupNowCommand>;

/** `backup now`: every resource of the cluster (or of some namespaces) to the configured store, checked as written. */
export const backupNowOperation = defineOperation<BackupNowCommand>({
  name: 'backup now',
  grammar: {
    summary: 'back up every resource of the cluster now, checksummed and read back before it is listed',
    args: { name: '', min: 0, max: 0 },
    flags: [
      clusterFlag,
      {
        name: 'namespace',
        kind: 'value',
        value: 'NS,…',
        summary: 'only these namespaces (and the definitions of their custom resources)',
      },
      {
        name: 'selector',
        kind: 'value',
        value: 'SELECTOR',
        summary: 'only objects with these labels (app=web,tier!=cache)',
      },
      {
        name: 'exclude-kinds',
        kind: 'value',
        value: 'KIND,…',
        summary: 'leave these kinds out (Pod, events, leases.coordination.k8s.io)',
      },
      { name: 'no-secrets', kind: 'boolean', summary: 'leave Secrets out' },
      {
        name: 'what',
        kind: 'value',
        value: 'resources|etcd|all',
        summary: 'what to back up (resources, the default; etcd snapshots are to come)',
      },
    ],
    examples: ['backup now', 'backup now --namespace shop,payments --no-secrets'],
    schema: rawCommand({
      cluster: clusterRef.optional(),
      namespace: commaList(NAMESPACE, 'namespace', '--namespace shop,payments').optional(),
      selector: z
        .string()
        .regex(/^[A-Za-z0-9_./=!,() -]+$/, 'is not a label selector; write it like app=web,tier!=cache')
        .optional(),
      'exclude-kinds': commaList(KIND, 'kind', '--exclude-kinds Pod,events').optional(),
      'no-secrets': z.boolean().optional(),
      what: whatFlag.optional(),
    }).transform((r) => ({
      name: 'backup now' as const,
      cluster: r.flags.cluster,
      namespaces: r.flags.namespace ?? [],
      selector: r.flags.selector,
      excludeKinds: r.flags['exclude-kinds'] ?? [],
      secrets: !r.flags['no-secrets'],
      ...(r.flags.what === 'all' ? { what: 'all' as const } : {}),
    })),
  },
  command: BackupNowCommand,
  // It changes no object, but it writes to the backup store: a policy may ask for approval.
  mutates: true,
  writes: 'backup-store',
  lock: { scope: 'none' },
  resumable: false,
  async run(ctx) {
    const { request, command, ports, env, signal } = ctx;
    // A rerun after a crash takes the backup again under the same id (its staging is started over).
    const saved = ctx.saved('backup');
    const id = typeof saved === 'string' ? saved : newBackupId(env.clock.now());
    await ctx.checkpoint<string>('backup').save(id);
    const progress = calmProgress(ctx);
    await ctx.progress('Finding every resource the API server serves…');
    const manifest = await runBackup(
      {
        resources: ports.resources,
        store: ports.backups,
        version: ports.version,
        clock: env.clock,
        bosunVersion: BOSUN_VERSION,
      },
      {
        id,
        cluster: request.cluster,
        trigger: `<@${request.user}>`,
        namespaces: command.namespaces,
        selector: command.selector,
        excludeKinds: command.excludeKinds,
        secrets: command.secrets,
        ...(command.what === 'all' ? { warnings: [NO_ETCD_YET] } : {}),
      },
      (p) =>
        progress.update(
          `Backing up: ${p.resourcesDone} of ${p.resources} kinds, ${p.objects.toLocaleString('en-US')} objects (${p.resource})`,
        ),
      signal,
    ).finally(() => progress.stop());
    return {
      summary: `backup ${manifest.id}: ${manifest.objects} objects, verified`,
      answer: backupTaken(manifest, ports.backups.description, env.slash),
    };
  },
});

export const BackupListCommand = z.object({ name: z.literal('backup list'), cluster: z.string().optional() });
export type BackupListCommand = z.infer<typeof BackupListCommand>;

export const backupListOperation = defineOperation<BackupListCommand>({
  name: 'backup list',
  grammar: {
    summary: "the cluster's backups, newest first, with their size and whether they verified",
    args: { name: '', min: 0, max: 0 },
    flags: [clusterFlag],
    examples: ['backup list', 'backup list --cluster prod'],
    schema: rawCommand({ cluster: clusterRef.optional() }).transform((r) => ({
      name: 'backup list' as const,
      cluster: r.flags.cluster,
    })),
  },
  command: BackupListCommand,
  mutates: false,
  lock: { scope: 'none' },
  resumable: false,
  async run({ request, ports, env }) {
    const manifests = await ports.backups.list(request.cluster);
    return {
      summary: `${manifests.length} backups`,
      answer: backupList(request.cluster, manifests, env.slash, env.clock.now()),
    };
  },
});

export const BackupShowCommand = z.object({
  name: z.literal('backup show'),
  cluster: z.string().optional(),
  id: z.string(),
});
export type BackupShowCommand = z.infer<typeof BackupShowCommand>;

export const backupShowOperation = defineOperation<BackupShowCommand>({
  name: 'backup show',
  grammar: {
    summary: "one backup's manifest: objects per kind, sizes, checksums and verification",
    args: { name: 'backup-id', min: 1, max: 1 },
    flags: [clusterFlag],
    examples: ['backup show 20261207-153045-k3qf'],
    schema: rawCommand({ cluster: clusterRef.optional() })
      .extend({ args: z.tuple([backupIdArg]) })
      .transform((r) => ({ name: 'backup show' as const, cluster: r.flags.cluster, id: r.args[0] })),
  },
  command: BackupShowCommand,
  mutates: false,
  lock: { scope: 'none' },
  resumable: false,
  async run({ request, command, ports, env }) {
    const manifest = await ports.backups.manifest(request.cluster, command.id);
    if (!manifest) {
      throw new BosunError(
        'BACKUP_NOT_FOUND',
        `\`${request.cluster}\` has no backup \`${command.id}\`.`,
        `\`${env.slash} backup list\` shows its backups.`,
      );
    }
    return { summary: `backup ${manifest.id}: ${manifest.objects} objects`, answer: backupDetails(manifest) };
  },
});
