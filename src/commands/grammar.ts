import { z } from 'zod';
import { clusterRef, durationFlag, formatDuration, labelSelector, nodeName, requestId } from './values.js';

/**
 * The command grammar, one entry per subcommand: words, flags and the typed result. Help text and "did you
 * mean" hints are generated from this table, so a new subcommand is one new entry.
 */
export interface FlagSpec {
  name: string;
  /** `boolean` flags take no value (`--force`); the rest take one (`--timeout 10m` or `--timeout=10m`). */
  kind: 'boolean' | 'value';
  value?: string;
  summary: string;
}

export interface CommandSpec {
  summary: string;
  /** Positional words after the subcommand. */
  args: { name: string; min: number; max: number };
  flags: FlagSpec[];
  /** Whether it changes a cluster (and so goes through policy and locks). */
  mutating: boolean;
  examples: string[];
  /** Builds the typed command from positional words and flag values; zod reports what is wrong. */
  schema: z.ZodType<Command>;
}

const cluster: FlagSpec = {
  name: 'cluster',
  kind: 'value',
  value: 'NAME',
  summary: "the cluster to act on (default: this channel's cluster)",
};

const raw = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject({ args: z.array(z.string()), flags: z.strictObject(shape) });

export const HelpCommand = z.object({ name: z.literal('help'), topic: z.string().optional() });
export const ClustersCommand = z.object({ name: z.literal('clusters') });
export const NodesCommand = z.object({ name: z.literal('nodes'), cluster: z.string().optional() });
export const JobsCommand = z.object({ name: z.literal('jobs') });
export const CancelCommand = z.object({ name: z.literal('cancel'), requestId: z.string() });
export const CordonCommand = z.object({
  name: z.enum(['cordon', 'uncordon']),
  nodes: z.array(z.string()),
  cluster: z.string().optional(),
});
export const DrainCommand = z.object({
  name: z.literal('drain'),
  nodes: z.array(z.string()),
  cluster: z.string().optional(),
  timeoutSeconds: z.number(),
  gracePeriodSeconds: z.number().optional(),
  deleteEmptyDirData: z.boolean(),
  force: z.boolean(),
  podSelector: z.string().optional(),
  dryRun: z.boolean(),
});
export const MaintainCommand = z.object({
  name: z.literal('maintain'),
  node: z.string(),
  cluster: z.string().optional(),
  reason: z.string().optional(),
});
export const AuditCommand = z.object({
  name: z.literal('audit'),
  cluster: z.string().optional(),
  sinceSeconds: z.number(),
});

export const Command = z.discriminatedUnion('name', [
  HelpCommand,
  ClustersCommand,
  NodesCommand,
  JobsCommand,
  CancelCommand,
  CordonCommand,
  DrainCommand,
  MaintainCommand,
  AuditCommand,
]);
export type Command = z.infer<typeof Command>;
export type CommandName = Command['name'];

const DEFAULT_DRAIN_TIMEOUT = 600;
const bool = z.boolean().optional();

const cordonLike = (name: 'cordon' | 'uncordon'): CommandSpec => ({
  summary:
    name === 'cordon'
      ? 'mark nodes unschedulable: running pods stay, new pods go elsewhere'
      : 'mark nodes schedulable again',
  args: { name: 'node', min: 1, max: 20 },
  flags: [cluster],
  mutating: true,
  examples: [`${name} worker-1`, `${name} worker-1 worker-2 --cluster prod`],
  schema: raw({ cluster: clusterRef.optional() })
    .extend({ args: z.array(nodeName) })
    .transform((r) => ({
      name,
      nodes: r.args,
      cluster: r.flags.cluster,
    })),
});

export const COMMANDS: Record<CommandName, CommandSpec> = {
  help: {
    summary: 'show the commands, or one command in detail',
    args: { name: 'command', min: 0, max: 1 },
    flags: [],
    mutating: false,
    examples: ['help', 'help drain'],
    schema: raw({}).transform((r) => ({ name: 'help' as const, topic: r.args[0] })),
  },
  clusters: {
    summary: 'list the clusters this channel may address',
    args: { name: '', min: 0, max: 0 },
    flags: [],
    mutating: false,
    examples: ['clusters'],
    schema: raw({}).transform(() => ({ name: 'clusters' as const })),
  },
  nodes: {
    summary: 'list the nodes with status, roles, age and version',
    args: { name: '', min: 0, max: 0 },
    flags: [cluster],
    mutating: false,
    examples: ['nodes', 'nodes --cluster prod'],
    schema: raw({ cluster: clusterRef.optional() }).transform((r) => ({
      name: 'nodes' as const,
      cluster: r.flags.cluster,
    })),
  },
  jobs: {
    summary: "this channel's recent requests and their state",
    args: { name: '', min: 0, max: 0 },
    flags: [],
    mutating: false,
    examples: ['jobs'],
    schema: raw({}).transform(() => ({ name: 'jobs' as const })),
  },
  cancel: {
    summary: 'cancel a queued or running request',
    args: { name: 'request-id', min: 1, max: 1 },
    flags: [],
    mutating: false,
    examples: ['cancel r-abcdefgh2345'],
    schema: raw({})
      .extend({ args: z.tuple([requestId]) })
      .transform((r) => ({ name: 'cancel' as const, requestId: r.args[0] })),
  },
  cordon: cordonLike('cordon'),
  uncordon: cordonLike('uncordon'),
  drain: {
    summary: 'cordon nodes and evict their pods, respecting PodDisruptionBudgets',
    args: { name: 'node', min: 1, max: 20 },
    flags: [
      cluster,
      {
        name: 'timeout',
        kind: 'value',
        value: 'DURATION',
        summary: `give up after this long, leaving the node cordoned (default ${formatDuration(DEFAULT_DRAIN_TIMEOUT)})`,
      },
      {
        name: 'grace-period',
        kind: 'value',
        value: 'SECONDS',
        summary: "seconds each pod gets to terminate (default: the pod's own)",
      },
      {
        name: 'delete-emptydir-data',
        kind: 'boolean',
        summary: 'also evict pods with emptyDir volumes (data is lost)',
      },
      { name: 'force', kind: 'boolean', summary: 'also delete pods that no controller will recreate' },
      {
        name: 'pod-selector',
        kind: 'value',
        value: 'SELECTOR',
        summary: 'only evict pods matching this label selector',
      },
      {
        name: 'dry-run',
        kind: 'boolean',
        summary: 'show what would be evicted and what would block; change nothing',
      },
    ],
    mutating: true,
    examples: [
      'drain worker-1',
      'drain worker-1 --dry-run',
      'drain worker-2 --timeout 20m --delete-emptydir-data',
    ],
    schema: raw({
      cluster: clusterRef.optional(),
      timeout: durationFlag(86400).optional(),
      'grace-period': z
        .string()
        .regex(/^\d{1,5}$/, 'must be a whole number of seconds, like 30')
        .transform(Number)
        .optional(),
      'delete-emptydir-data': bool,
      force: bool,
      'pod-selector': labelSelector.optional(),
      'dry-run': bool,
    })
      .extend({ args: z.array(nodeName) })
      .transform((r) => ({
        name: 'drain' as const,
        nodes: r.args,
        cluster: r.flags.cluster,
        timeoutSeconds: r.flags.timeout ?? DEFAULT_DRAIN_TIMEOUT,
        gracePeriodSeconds: r.flags['grace-period'],
        deleteEmptyDirData: r.flags['delete-emptydir-data'] ?? false,
        force: r.flags.force ?? false,
        podSelector: r.flags['pod-selector'],
        dryRun: r.flags['dry-run'] ?? false,
      })),
  },
  maintain: {
    summary: 'drain a node, wait for you to finish maintenance, then bring it back and uncordon it',
    args: { name: 'node', min: 1, max: 1 },
    flags: [
      cluster,
      { name: 'reason', kind: 'value', value: 'TEXT', summary: 'why, for the thread and the audit log' },
    ],
    mutating: true,
    examples: ['maintain worker-3 --reason "kernel update"'],
    schema: raw({
      cluster: clusterRef.optional(),
      reason: z.string().max(300, 'is limited to 300 characters').optional(),
    })
      .extend({ args: z.tuple([nodeName]) })
      .transform((r) => ({
        name: 'maintain' as const,
        node: r.args[0],
        cluster: r.flags.cluster,
        reason: r.flags.reason,
      })),
  },
  audit: {
    summary: 'who asked for, approved and ran what',
    args: { name: '', min: 0, max: 0 },
    flags: [
      cluster,
      { name: 'since', kind: 'value', value: 'DURATION', summary: 'how far back (default 24h)' },
    ],
    mutating: false,
    examples: ['audit', 'audit --cluster prod --since 7d'],
    schema: raw({ cluster: clusterRef.optional(), since: durationFlag(90 * 86400).optional() }).transform(
      (r) => ({
        name: 'audit' as const,
        cluster: r.flags.cluster,
        sinceSeconds: r.flags.since ?? 86400,
      }),
    ),
  },
};

export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** `drain <node…> [--cluster NAME] [--timeout DURATION] …` */
export function usageLine(name: CommandName, slash = '/bosun'): string {
  const spec = COMMANDS[name];
  const arg = spec.args.name
    ? spec.args.min === 0
      ? ` [${spec.args.name}]`
      : spec.args.max > 1
        ? ` <${spec.args.name}…>`
        : ` <${spec.args.name}>`
    : '';
  const flags = spec.flags
    .map((f) => ` [--${f.name}${f.kind === 'value' ? ` ${f.value ?? 'VALUE'}` : ''}]`)
    .join('');
  return `${slash} ${name}${arg}${flags}`;
}
