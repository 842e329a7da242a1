import { z } from 'zod';
import { clusterRef, durationFlag, requestId } from './values.js';

/**
 * The command grammar: how one subcommand's words and flags become a typed command. Each operation declares
 * its own spec in its descriptor (src/operations); the commands the bot answers itself are declared here.
 * Help text and "did you mean" hints are generated from the specs.
 */
export interface FlagSpec {
  name: string;
  /** `boolean` flags take no value (`--force`); the rest take one (`--timeout 10m` or `--timeout=10m`). */
  kind: 'boolean' | 'value';
  value?: string;
  summary: string;
}

export interface CommandSpec<C = { name: string }> {
  summary: string;
  /** Positional words after the subcommand. */
  args: { name: string; min: number; max: number };
  flags: FlagSpec[];
  examples: string[];
  /** Builds the typed command from positional words and flag values; zod reports what is wrong. */
  schema: z.ZodType<C>;
}

/** Every subcommand's spec, by name, in the order help lists them. */
export type Grammar<C = { name: string }> = Readonly<Record<string, CommandSpec<C>>>;

export const clusterFlag: FlagSpec = {
  name: 'cluster',
  kind: 'value',
  value: 'NAME',
  summary: "the cluster to act on (default: this channel's cluster)",
};

/** The shape the parser hands a spec's schema: positional words and flag values by name. */
export const rawCommand = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject({ args: z.array(z.string()), flags: z.strictObject(shape) });

export const HelpCommand = z.object({ name: z.literal('help'), topic: z.string().optional() });
export const ClustersCommand = z.object({ name: z.literal('clusters') });
export const JobsCommand = z.object({ name: z.literal('jobs') });
export const CancelCommand = z.object({ name: z.literal('cancel'), requestId: z.string() });
export const AuditCommand = z.object({
  name: z.literal('audit'),
  cluster: z.string().optional(),
  sinceSeconds: z.number(),
});

/** The commands the bot answers itself, from config and Redis; none runs a job on a cluster. */
export type BotCommand =
  | z.infer<typeof HelpCommand>
  | z.infer<typeof ClustersCommand>
  | z.infer<typeof JobsCommand>
  | z.infer<typeof CancelCommand>
  | z.infer<typeof AuditCommand>;
export type BotCommandName = BotCommand['name'];

export const BOT_COMMANDS = {
  help: {
    summary: 'show the commands, or one command in detail',
    args: { name: 'command', min: 0, max: 3 },
    flags: [],
    examples: ['help', 'help drain', 'help backup'],
    schema: rawCommand({}).transform((r) => ({ name: 'help' as const, topic: r.args[0] })),
  },
  clusters: {
    summary: 'list the clusters this channel may address',
    args: { name: '', min: 0, max: 0 },
    flags: [],
    examples: ['clusters'],
    schema: rawCommand({}).transform(() => ({ name: 'clusters' as const })),
  },
  jobs: {
    summary: "this channel's recent requests and their state",
    args: { name: '', min: 0, max: 0 },
    flags: [],
    examples: ['jobs'],
    schema: rawCommand({}).transform(() => ({ name: 'jobs' as const })),
  },
  cancel: {
    summary: 'cancel a queued or running request',
    args: { name: 'request-id', min: 1, max: 1 },
    flags: [],
    examples: ['cancel r-abcdefgh2345'],
    schema: rawCommand({})
      .extend({ args: z.tuple([requestId]) })
      .transform((r) => ({ name: 'cancel' as const, requestId: r.args[0] })),
  },
  audit: {
    summary: 'who asked for, approved and ran what',
    args: { name: '', min: 0, max: 0 },
    flags: [
      clusterFlag,
      { name: 'since', kind: 'value', value: 'DURATION', summary: 'how far back (default 24h)' },
    ],
    examples: ['audit', 'audit --cluster prod --since 7d'],
    schema: rawCommand({
      cluster: clusterRef.optional(),
      since: durationFlag(90 * 86400).optional(),
    }).transform((r) => ({
      name: 'audit' as const,
      cluster: r.flags.cluster,
      sinceSeconds: r.flags.since ?? 86400,
    })),
  },
} satisfies { [N in BotCommandName]: CommandSpec<Extract<BotCommand, { name: N }>> };

/** Bot commands the policy governs by name (who may read the audit log). */
export const POLICED_BOT_COMMANDS = ['audit'] as const satisfies readonly BotCommandName[];

/** `drain <node…> [--cluster NAME] [--timeout DURATION] …` */
export function usageLine(name: string, spec: CommandSpec<unknown>, slash = '/bosun'): string {
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
