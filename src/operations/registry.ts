import { BOT_COMMANDS, type BotCommand, type CommandSpec } from '../commands/grammar.js';
import { backupListOperation, backupNowOperation, backupShowOperation } from './backup.js';
import {
  backupScheduleDeleteOperation,
  backupScheduleListOperation,
  backupScheduleSetOperation,
  backupStatusOperation,
} from './backup-schedule.js';
import { backupVerifyOperation } from './backup-verify.js';
import { cordon, uncordon } from './cordon.js';
import { drainOperation } from './drain.js';
import { maintainOperation } from './maintain.js';
import { OPERATION_NAMES, type OperationName } from './names.js';
import { nodesOperation } from './nodes.js';
import type { Operation, OperationCommand } from './operation.js';
import { restoreOperation } from './restore.js';
import { versionsOperation } from './versions.js';

/**
 * Every operation bosun runs on a cluster, by name. Handlers, jobs, command types, dry-run detection, locks and
 * the policy's command names all derive from this table; an operation is one descriptor here and nothing else.
 */
export const OPERATIONS = {
  nodes: nodesOperation,
  versions: versionsOperation,
  cordon,
  uncordon,
  drain: drainOperation,
  maintain: maintainOperation,
  'backup now': backupNowOperation,
  'backup list': backupListOperation,
  'backup show': backupShowOperation,
  'backup verify': backupVerifyOperation,
  'backup status': backupStatusOperation,
  'backup schedule set': backupScheduleSetOperation,
  'backup schedule list': backupScheduleListOperation,
  'backup schedule delete': backupScheduleDeleteOperation,
  restore: restoreOperation,
} satisfies { [N in OperationName]: Operation<OperationCommand & { name: N }> };

type CommandOf<O> = O extends Operation<infer C> ? C : never;

/** The command of every operation, by name. */
export type ClusterCommand = { [N in OperationName]: CommandOf<(typeof OPERATIONS)[N]> }[OperationName];

/** The registry as handlers and workers receive it (tests may stand in an operation of the same command). */
export type Operations = { readonly [N in OperationName]: Operation<Extract<ClusterCommand, { name: N }>> };

/** Any command bosun understands: answered by the bot itself, or run on a cluster by an operation. */
export type Command = BotCommand | ClusterCommand;
export type CommandName = Command['name'];

type Spec<N extends CommandName> = CommandSpec<Extract<Command, { name: N }>>;

/** The whole grammar, in the order help lists it. */
export const COMMANDS = {
  help: BOT_COMMANDS.help,
  clusters: BOT_COMMANDS.clusters,
  nodes: OPERATIONS.nodes.grammar,
  versions: OPERATIONS.versions.grammar,
  jobs: BOT_COMMANDS.jobs,
  cancel: BOT_COMMANDS.cancel,
  cordon: OPERATIONS.cordon.grammar,
  uncordon: OPERATIONS.uncordon.grammar,
  drain: OPERATIONS.drain.grammar,
  maintain: OPERATIONS.maintain.grammar,
  'backup now': OPERATIONS['backup now'].grammar,
  'backup list': OPERATIONS['backup list'].grammar,
  'backup show': OPERATIONS['backup show'].grammar,
  'backup verify': OPERATIONS['backup verify'].grammar,
  'backup status': OPERATIONS['backup status'].grammar,
  'backup schedule set': OPERATIONS['backup schedule set'].grammar,
  'backup schedule list': OPERATIONS['backup schedule list'].grammar,
  'backup schedule delete': OPERATIONS['backup schedule delete'].grammar,
  restore: OPERATIONS.restore.grammar,
  audit: BOT_COMMANDS.audit,
} satisfies { readonly [N in CommandName]: Spec<N> };

export function isOperationName(name: string): name is OperationName {
  return (OPERATION_NAMES as readonly string[]).includes(name);
}

export function isClusterCommand(command: Command): command is ClusterCommand {
  return isOperationName(command.name);
}

/** An operation seen from the request lifecycle, which decodes its command with the operation's own schema. */
export type AnyOperation = Operation<OperationCommand>;
