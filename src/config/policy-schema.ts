import { z } from 'zod';
import { POLICED_BOT_COMMANDS } from '../commands/grammar.js';
import { parseDuration } from '../commands/values.js';
import { OPERATION_NAMES } from '../operations/names.js';
import { didYouMean } from '../shared/did-you-mean.js';

/**
 * The access policy and audit sections of the config file. Rules name clusters and commands (with `*` and
 * `prefix-*` wildcards); src/policy/effective-policy.ts merges them over the defaults. Every field is optional
 * in a rule so that a rule says only what it changes.
 */

/**
 * What a policy rule may name: every operation (read-only ones too: the policy says who may ask) and the bot
 * commands it governs (who may read the audit log). Nothing that does not exist.
 */
export const POLICY_COMMANDS: readonly string[] = [...OPERATION_NAMES, ...POLICED_BOT_COMMANDS];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const policyUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id such as U0123ABCD');
const policyChannelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack channel id such as C0123ABCD (not a #name)');
const usergroupId = z
  .string()
  .regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id such as S0123ABCD (not a @handle)');

/**
 * Who: people by id, members of Slack user groups, and the channels they act from. Leaving out both `users`
 * and `groups` means anyone; listing them (even empty) means only those. `channels` narrows further.
 */
export const PrincipalsSchema = z.strictObject({
  users: z.array(policyUserId).optional(),
  groups: z.array(usergroupId).optional(),
  channels: z.array(policyChannelId).optional(),
});
export type Principals = z.infer<typeof PrincipalsSchema>;

const clockTime = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/,
    'must be a time of day such as 09:00 (24-hour clock, 24:00 ends a day)',
  );

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A weekly window in a time zone; `to` at or before `from` runs past midnight into the next day. */
export const ChangeWindowSchema = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS))
      .min(1, 'needs at least one day (mon, tue, wed, thu, fri, sat, sun)')
      .default([...WEEKDAYS]),
    from: clockTime,
    to: clockTime,
    timeZone: z
      .string()
      .refine(isTimeZone, 'is not a time zone; use an IANA name such as Europe/Berlin or UTC')
      .default('UTC'),
  })
  .refine((w) => w.from !== w.to, {
    message: 'from and to are equal: the window would be empty',
    path: ['to'],
  });
export type ChangeWindow = z.infer<typeof ChangeWindowSchema>;

const expiry = z.string().transform((text, ctx) => {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds < 1 || seconds > 7 * 86400) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a duration from 1s to 7d, written like 30m, 2h or 1h30m',
    });
    return z.NEVER;
  }
  return seconds;
});

const policyFields = {
  /** Who may ask for the command. */
  requesters: PrincipalsSchema.optional(),
  /** Who may approve it; the requesters when left out. */
  approvers: PrincipalsSchema.optional(),
  /** Distinct approvals needed before it runs (0: it runs at once). */
  approvals: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(10, 'must be at most 10')
    .optional(),
  /** Whether the requester's own approval counts ("four eyes" when false). */
  selfApproval: z.boolean().optional(),
  /** How long an approval stays open (seconds after parsing). */
  expiry: expiry.optional(),
  /** When the command may be requested; none means any time. */
  windows: z.array(ChangeWindowSchema).optional(),
};

export const PolicyFieldsSchema = z.strictObject(policyFields);
export type PolicyFields = z.infer<typeof PolicyFieldsSchema>;

const clusterPattern = z
  .string()
  .regex(
    /^(\*|[a-z0-9*]([a-z0-9*-]{0,38}[a-z0-9*])?)$/,
    'must be a cluster name, a pattern such as prod-*, or * for every cluster',
  );

const commandPattern = z.string().superRefine((name, ctx) => {
  if (name === '*' || POLICY_COMMANDS.includes(name)) return;
  const hint = didYouMean(name, POLICY_COMMANDS);
  ctx.addIssue({
    code: 'custom',
    message: `is not a command${hint ? `; did you mean "${hint}"?` : `; use * or one of ${POLICY_COMMANDS.join(', ')}`}`,
  });
});

export const PolicyRuleSchema = z.strictObject({
  clusters: z.array(clusterPattern).min(1, 'needs at least one cluster (or *)').default(['*']),
  commands: z.array(commandPattern).min(1, 'needs at least one command (or *)').default(['*']),
  ...policyFields,
});
export type PolicyRule = z.infer<typeof PolicyRuleSchema>;

export const PolicySchema = z.strictObject({
  /** Applies wherever no rule says otherwise. */
  defaults: PolicyFieldsSchema.prefault({}),
  /** Matching rules are applied from least to most specific (file order breaks ties: later wins). */
  rules: z.array(PolicyRuleSchema).default([]),
});
export type PolicyConfig = z.infer<typeof PolicySchema>;

export const AuditSchema = z.strictObject({
  /** Also append every entry to this JSON-lines file (relative paths start at the config file's folder). */
  file: z.string().min(1).optional(),
  /** The Redis stream keeps about this many entries (XADD MAXLEN ~). */
  maxEntries: z.number().int().min(1000).default(1_000_000),
});
export type AuditConfig = z.infer<typeof AuditSchema>;

type Loose = Record<string, unknown>;
const asObject = (v: unknown): Loose =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : {};
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Policy checks that need the rest of the config (cluster names) or span fields: a rule naming a cluster that
 * does not exist, and an approval count that the listed approvers can never reach. Run on the raw input like
 * the other cross-checks, so they are reported with the schema's problems.
 */
export function policyCrossProblems(raw: Loose): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  const clusterNames = asArray(raw.clusters)
    .map((c) => asObject(c).name)
    .filter((n): n is string => typeof n === 'string');
  const policy = asObject(raw.policy);
  const unreachable = (fields: Loose, path: string) => {
    const approvals = fields.approvals;
    const approvers = asObject(fields.approvers);
    if (typeof approvals !== 'number' || !Array.isArray(approvers.users) || approvers.groups !== undefined)
      return;
    const people = new Set(approvers.users).size;
    if (approvals > people) {
      problems.push({
        path: `${path}.approvals`,
        message: `asks for ${approvals} approvals but ${path}.approvers lists ${people} ${people === 1 ? 'person' : 'people'}; add approvers or lower the count`,
      });
    }
  };
  unreachable(asObject(policy.defaults), 'policy.defaults');
  asArray(policy.rules).forEach((entry, i) => {
    const rule = asObject(entry);
    unreachable(rule, `policy.rules[${i}]`);
    asArray(rule.clusters).forEach((name, j) => {
      if (typeof name !== 'string' || name.includes('*') || clusterNames.includes(name)) return;
      const hint = didYouMean(name, clusterNames);
      problems.push({
        path: `policy.rules[${i}].clusters[${j}]`,
        message: `no cluster is named "${name}"${hint ? `; did you mean "${hint}"?` : clusterNames.length > 0 ? `; clusters: ${clusterNames.join(', ')}` : ''}`,
      });
    });
  });
  return problems;
}
