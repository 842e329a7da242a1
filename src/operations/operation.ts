import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ApprovalPreview } from '../approvals/approval-stage.js';
import type { PhaseApprovalRequest } from '../approvals/phase-approval.js';
import type { CommandSpec } from '../commands/grammar.js';
import type { Config } from '../config/schema.js';
import type { CardView } from '../messages/request-card.js';
import type { ClusterPorts } from '../ops/cluster-ports.js';
import type { Checkpoint } from '../ports/checkpoint.js';
import type { OperatorDecisions } from '../ports/operator-decisions.js';
import type { RequestMeta, SlackMessage } from '../queue/payloads.js';
import type { Attachment } from '../requests/request-reporter.js';
import type { RequestState } from '../requests/request-store.js';
import type { Clock } from '../shared/clock.js';

export type { ClusterPorts };

/** What every operation's command carries besides its own fields. */
export interface OperationCommand {
  name: string;
  /** The cluster named with `--cluster`; the request's resolved cluster is `request.cluster`. */
  cluster?: string;
}

/**
 * What an operation locks while it runs: nothing (read-only), the nodes it names (one change per node at a
 * time), or the whole cluster (no node operation runs meanwhile). Derived into the job by the request lifecycle.
 */
export type LockSpec<C> =
  | { scope: 'none' }
  | { scope: 'nodes'; nodes(command: C): readonly string[] }
  /** `unless` names commands that lock nothing though the operation locks the cluster (a dry run). */
  | { scope: 'cluster'; unless?(command: C): boolean };

/** Settings and services every operation may read. */
export interface OperationEnv {
  config: Config;
  clock: Clock;
  slash: string;
}

/** A request on its way to a cluster: its cluster is resolved. */
export type ClusterRequest = RequestMeta & { cluster: string };

/** What a preview may use: read-only, before anyone approved anything. */
export interface PreviewContext<C> {
  request: ClusterRequest;
  command: C;
  signal: AbortSignal;
  log: Logger;
  env: OperationEnv;
  ports: ClusterPorts;
}

/** What an operation's job sees while it runs. */
export interface JobContext<C> extends PreviewContext<C> {
  /**
   * Aborted on cancel (reason CancelledError), on a lost lock, and, for resumable operations, on shutdown
   * (reason ShutdownError).
   */
  signal: AbortSignal;
  /** Decisions made with the request's buttons (skip a pod, abort, maintenance done). */
  decisions: OperatorDecisions;
  /** Shows progress on the card (state stays "running"). */
  progress(detail: string, extra?: Pick<CardView, 'sections' | 'buttons'>): Promise<void>;
  /** A reply in the thread; `key` names it, so that `editReply` can rewrite it once its button stops applying. */
  reply(message: SlackMessage, attachment?: Attachment, key?: string): Promise<void>;
  /** Rewrites the reply named `key` (nothing if there is none): a button that no longer applies gives way to what happened. */
  editReply(key: string, message: SlackMessage): Promise<void>;
  /**
   * Asks for a further approval at a phase boundary (policy decides who and how many; at least one). Resolves
   * once approved. While people decide the job is delayed, holding no worker slot; the decision starts it again
   * from the top, so record your step with `checkpoint` before asking and resume from it (the second ask
   * resolves at once). Throws ApprovalClosedError when rejected or expired (catch it to tidy up, then rethrow).
   */
  approval(request: PhaseApprovalRequest): Promise<void>;
  /** Where the operation records its state for the worker that may resume it. */
  checkpoint<T>(key: string): Checkpoint<T>;
  /** What an earlier run recorded under `key` (unchecked: decode it with the state's schema). */
  saved(key: string): unknown;
}

export interface Outcome {
  /** One line for the card and `/bosun jobs`. */
  summary: string;
  state?: Extract<RequestState, 'succeeded' | 'failed'>;
  /**
   * The answer, shown on the card itself instead of a reply in the thread: a read-only command's table, one
   * line on what a cordon means. One message in the channel for a short answer.
   */
  answer?: SlackMessage;
}

/**
 * One operation, everything about it in one place: its grammar, whether it changes the cluster, dry-run
 * support, what it locks, whether it resumes after a worker dies, its approval preview, and its job. The policy
 * names it by `name`. The handler table, the job map, the command types, dry-run detection and locking are
 * derived from these descriptors (src/operations/registry.ts).
 */
export interface Operation<C extends OperationCommand = OperationCommand> {
  name: string;
  grammar: CommandSpec<C>;
  /** Decodes the command from a job payload (written by the handler from the grammar's output). */
  command: z.ZodType<C>;
  /** Changes something: a policy may make it wait for approval. Read-only operations never wait and take no locks. */
  mutates: boolean;
  /**
   * What a change writes: the cluster (the default; it locks what it touches), or only bosun's backup store
   * (`backup now` reads the cluster and changes nothing in it, so it takes no cluster lock).
   */
  writes?: 'cluster' | 'backup-store';
  /** This command only reports what it would do: it waits for no approval (policy still says who may ask). */
  dryRun?(command: C): boolean;
  lock: LockSpec<C>;
  /** Checkpoints its state: on shutdown it is paused and resumed by another worker instead of finishing. */
  resumable: boolean;
  /** What approving would do, for the approval card; without it the card shows the command. */
  preview?(ctx: PreviewContext<C>): Promise<ApprovalPreview>;
  /** The job: does the work, reports in the thread, and returns the line for the card. */
  run(ctx: JobContext<C>): Promise<Outcome>;
}

/** Declares an operation; the type parameter is its command, so `run` and `preview` get it typed. */
export function defineOperation<C extends OperationCommand>(operation: Operation<C>): Operation<C> {
  if (operation.grammar.summary === '') throw new Error(`operation ${operation.name} needs a summary`);
  return operation;
}
