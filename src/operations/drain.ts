import { z } from 'zod';
import { clusterFlag, type FlagSpec, rawCommand } from '../commands/grammar.js';
import { clusterRef, durationFlag, formatDuration, labelSelector, nodeName } from '../commands/values.js';
import { drainDecisionMessage, stuckChoiceLine, stuckEndedLine } from '../messages/drain-decision.js';
import { drainPreviewMessage, drainPreviewSections, drainPreviewSummary } from '../messages/drain-preview.js';
import { drainProgressDetail } from '../messages/drain-progress.js';
import { drainResumedMessage } from '../messages/drain-resumed.js';
import { drainRefusedMessage, drainStartedMessage } from '../messages/drain-started.js';
import { drainStuckMessage, stuckReplyKey } from '../messages/drain-stuck.js';
import { drainReplacementsWaiting, drainSummary, drainSummaryLine } from '../messages/drain-summary.js';
import { drainRefusalWords, nodeHeadline } from '../messages/drain-words.js';
import { notice } from '../messages/notice.js';
import type { DrainListener } from '../ops/drain/drain-listener.js';
import { drainNodes } from '../ops/drain/drain-nodes.js';
import type { DrainOptions } from '../ops/drain/drain-ports.js';
import { DrainState, podDecision } from '../ops/drain/drain-state.js';
import { awaitReplacements } from '../ops/drain/replacements.js';
import type { StuckPod } from '../ops/drain/stuck-pod.js';
import { BosunError, CancelledError } from '../ops/errors.js';
import { type DrainPreview, previewDrain } from '../ops/preview/drain-preview.js';
import { type CalmProgress, calmProgress } from './calm-progress.js';
import { defineOperation, type JobContext, type PreviewContext } from './operation.js';

export const DEFAULT_DRAIN_TIMEOUT = 600;
export const DRAIN_CHECKPOINT = 'drainState';

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
export type DrainCommand = z.infer<typeof DrainCommand>;

const bool = z.boolean().optional();

/** How a drain goes, as flags: `drain` takes them, and `maintain` for its drain. */
export const DRAIN_FLAGS = [
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
] as const satisfies readonly FlagSpec[];

/** The values of `DRAIN_FLAGS`, checked. */
export const DRAIN_FLAG_VALUES = {
  timeout: durationFlag(86400).optional(),
  'grace-period': z
    .string()
    .regex(/^\d{1,5}$/, 'must be a whole number of seconds, like 30')
    .transform(Number)
    .optional(),
  'delete-emptydir-data': bool,
  force: bool,
  'pod-selector': labelSelector.optional(),
};

/** What the drain flags say, with the defaults filled in. */
export function drainFlagsOf(flags: {
  timeout?: number;
  'grace-period'?: number;
  'delete-emptydir-data'?: boolean;
  force?: boolean;
  'pod-selector'?: string;
}): DrainHow {
  return {
    timeoutSeconds: flags.timeout ?? DEFAULT_DRAIN_TIMEOUT,
    gracePeriodSeconds: flags['grace-period'],
    deleteEmptyDirData: flags['delete-emptydir-data'] ?? false,
    force: flags.force ?? false,
    podSelector: flags['pod-selector'],
  };
}

/** How a drain goes (a drain's command, or a maintain's for its drain). */
export type DrainHow = Pick<
  DrainCommand,
  'timeoutSeconds' | 'gracePeriodSeconds' | 'deleteEmptyDirData' | 'force' | 'podSelector'
>;

/** The command's flags as kubectl drain options; bosun always ignores DaemonSet pods. */
export function drainOptionsOf(
  command: DrainHow & { nodes: string[] },
  stuckAfterSeconds: number,
): DrainOptions {
  return {
    nodes: command.nodes,
    gracePeriodSeconds: command.gracePeriodSeconds,
    timeoutSeconds: command.timeoutSeconds,
    force: command.force,
    deleteEmptyDirData: command.deleteEmptyDirData,
    ignoreDaemonSets: true,
    podSelector: command.podSelector,
    stuckAfterMs: stuckAfterSeconds * 1000,
  };
}

/**
 * The approval preview of a drain (or a maintain's): a drain kubectl's filters would refuse ends the request
 * there, saying why and which flag changes it, so nobody is asked to approve what cannot work.
 */
export function approvalPreviewOf(preview: DrainPreview): { sections: string[] } {
  const refused = preview.nodes.filter((n) => n.errors.length > 0);
  if (refused.length > 0) {
    const { message, hint } = drainRefusalWords(refused);
    throw new BosunError('DRAIN_REFUSED', message, hint);
  }
  return { sections: drainPreviewSections(preview) };
}

/** The drain preview for a request: read-only, for `--dry-run` and for the approval card. */
async function drainPreviewFor(ctx: PreviewContext<DrainCommand>) {
  return await previewDrain(
    ctx.ports,
    drainOptionsOf(ctx.command, ctx.env.config.drain.stuckAfterSeconds),
    ctx.env.clock.now(),
    ctx.signal,
  );
}

/** What a drain says in the request's thread and on its card while it runs (also a maintain's drain). */
export function drainListener(
  ctx: Pick<JobContext<unknown>, 'reply' | 'editReply' | 'request' | 'env'>,
  progress: CalmProgress,
  nodeCount: number,
): DrainListener {
  // Stuck explanations whose buttons still apply, by reply name: rewritten once decided, or when their node ends.
  const open = new Map<string, StuckPod>();
  const resolve = async (key: string, words: string) => {
    const stuck = open.get(key);
    if (!stuck) return;
    open.delete(key);
    await ctx.editReply(key, drainStuckMessage(ctx.request.id, stuck, words));
  };
  return {
    resumed: async (state) => {
      await ctx.reply(drainResumedMessage(state));
    },
    selected: async (drain) => {
      await ctx.reply(drain.errors.length > 0 ? drainRefusedMessage(drain) : drainStartedMessage(drain));
    },
    progress: (p) => progress.update(drainProgressDetail(p)),
    stuck: async (stuck) => {
      const key = stuckReplyKey(stuck.pod);
      open.set(key, stuck);
      await ctx.reply(drainStuckMessage(ctx.request.id, stuck), undefined, key);
    },
    decided: async (decision, effect) => {
      await ctx.reply(drainDecisionMessage(decision, effect));
      const chose = stuckChoiceLine(decision.by, decision.kind, ctx.env.clock.now());
      if (effect.kind === 'aborting') for (const key of [...open.keys()]) await resolve(key, chose);
      else if (effect.kind === 'skipped' || effect.kind === 'deleted' || effect.kind === 'already-final')
        await resolve(stuckReplyKey(effect.pod), chose);
    },
    nodeFinished: async (drain) => {
      for (const [key, stuck] of [...open]) {
        if (stuck.node !== drain.node) continue;
        // The decision that ended the wait may be told after the node finished: say it here, in its words.
        const pod = drain.pods.find((p) => p.namespace === stuck.pod.namespace && p.name === stuck.pod.name);
        const decided = pod && podDecision(pod);
        const now = ctx.env.clock.now();
        await resolve(
          key,
          decided
            ? stuckChoiceLine(decided.by, decided.kind, now)
            : stuckEndedLine(drain.node, drain.outcome ?? 'unfinished', now),
        );
      }
      if (nodeCount > 1) await ctx.reply(notice('info', nodeHeadline(drain)));
    },
  };
}

/**
 * `drain <node…>`: cordon, evict with kubectl's semantics but all at once, report every pod's outcome. The
 * drain's state is checkpointed, so a worker that dies is replaced by one that carries on (and says so).
 */
export const drainOperation = defineOperation<DrainCommand>({
  name: 'drain',
  grammar: {
    summary: 'cordon nodes and evict their pods, respecting PodDisruptionBudgets',
    args: { name: 'node', min: 1, max: 20 },
    flags: [
      clusterFlag,
      ...DRAIN_FLAGS,
      {
        name: 'dry-run',
        kind: 'boolean',
        summary: 'show what would be evicted and what would block; change nothing',
      },
    ],
    examples: [
      'drain worker-1',
      'drain worker-1 --dry-run',
      'drain worker-2 --timeout 20m --delete-emptydir-data',
    ],
    schema: rawCommand({
      cluster: clusterRef.optional(),
      ...DRAIN_FLAG_VALUES,
      'dry-run': bool,
    })
      .extend({ args: z.array(nodeName) })
      .transform((r) => ({
        name: 'drain' as const,
        nodes: r.args,
        cluster: r.flags.cluster,
        ...drainFlagsOf(r.flags),
        dryRun: r.flags['dry-run'] ?? false,
      })),
  },
  command: DrainCommand,
  mutates: true,
  dryRun: (command) => command.dryRun,
  // A dry run changes nothing, so it locks nothing either.
  lock: { scope: 'nodes', nodes: (command) => (command.dryRun ? [] : command.nodes) },
  resumable: true,

  async preview(ctx) {
    return approvalPreviewOf(await drainPreviewFor(ctx));
  },

  async run(ctx) {
    const { command } = ctx;
    if (command.dryRun) {
      const preview = await drainPreviewFor(ctx);
      await ctx.reply(drainPreviewMessage(preview));
      return { summary: drainPreviewSummary(preview) };
    }
    const saved = DrainState.safeParse(ctx.saved(DRAIN_CHECKPOINT));
    const resume = saved.success ? saved.data : undefined;

    const progress = calmProgress(ctx);
    let state: DrainState;
    try {
      state = await drainNodes(ctx.ports, drainOptionsOf(command, ctx.env.config.drain.stuckAfterSeconds), {
        signal: ctx.signal,
        listener: drainListener(ctx, progress, command.nodes.length),
        decisions: ctx.decisions,
        checkpoint: ctx.checkpoint(DRAIN_CHECKPOINT),
        resume,
      });
    } finally {
      progress.stop();
    }
    // Where the evicted pods went and whether they serve. Only a drain that finished waits for them to be
    // Ready; one that was stopped says at once what is true now.
    const finished = state.nodes.every((n) => n.outcome === 'drained');
    const owners = ctx.signal.aborted
      ? []
      : await awaitReplacements(ctx.ports.pods, state.nodes, ctx.env.clock, {
          signal: ctx.signal,
          waitMs: finished ? undefined : 0,
          onWait: (_, waitMs) =>
            ctx.progress(
              drainReplacementsWaiting(
                state.nodes.map((n) => n.node),
                waitMs,
              ),
            ),
        }).catch((error: unknown) => {
          ctx.log.warn(
            { err: error },
            'could not see where the evicted pods went; the summary leaves it out',
          );
          return [];
        });
    const now = ctx.env.clock.now();
    const { message, attachment } = drainSummary(state, now, owners);
    await ctx.reply(message, attachment);
    if (state.abortedBy) throw new CancelledError(state.abortedBy);
    if (state.nodes.some((n) => n.outcome === 'cancelled')) throw ctx.signal.reason;
    const ok = state.nodes.every((n) => n.outcome === 'drained');
    return { summary: drainSummaryLine(state, now, owners), state: ok ? 'succeeded' : 'failed' };
  },
});
