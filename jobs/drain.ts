import { kubeDrainPorts } from '../src/adapters/k8s/drain-adapters.js';
import type { DrainCommand } from '../src/commands/grammar.js';
import { drainDecisionMessage } from '../src/messages/drain-decision.js';
import { drainPreviewMessage, drainPreviewSections } from '../src/messages/drain-preview.js';
import { drainProgressDetail } from '../src/messages/drain-progress.js';
import { drainResumedMessage } from '../src/messages/drain-resumed.js';
import { drainRefusedMessage, drainStartedMessage } from '../src/messages/drain-started.js';
import { drainStuckMessage } from '../src/messages/drain-stuck.js';
import { drainSummary, drainSummaryLine } from '../src/messages/drain-summary.js';
import { nodeHeadline } from '../src/messages/drain-words.js';
import { notice } from '../src/messages/notice.js';
import type { DrainListener } from '../src/ops/drain/drain-listener.js';
import { drainNodes } from '../src/ops/drain/drain-nodes.js';
import type { DrainOptions } from '../src/ops/drain/drain-ports.js';
import { DrainState } from '../src/ops/drain/drain-state.js';
import { CancelledError } from '../src/ops/errors.js';
import { previewDrain } from '../src/ops/preview/drain-preview.js';
import { calmProgress, jobCheckpoint, withNodeOperation } from './node-operation.js';
import type { JobContext, OperationJob, PreviewContext } from './request-job.js';

type Drain = ReturnType<typeof DrainCommand.parse>;

export const DRAIN_CHECKPOINT = 'drainState';

function drainCommand(ctx: Pick<JobContext, 'payload'>): Drain {
  const { command } = ctx.payload;
  if (command.name !== 'drain') throw new Error(`the drain job got a ${command.name} command`);
  return command;
}

/** The command's flags as kubectl drain options; bosun always ignores DaemonSet pods. */
export function drainOptionsOf(command: Drain, stuckAfterSeconds: number): DrainOptions {
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

/** The drain preview for a request: read-only, for `--dry-run` and for the approval card. */
export async function drainPreviewFor(ctx: PreviewContext) {
  const command = drainCommand(ctx);
  const cluster = ctx.payload.request.cluster ?? '';
  const ports = kubeDrainPorts(ctx.deps.clusters.kubeConfig(cluster), cluster, ctx.deps.clock);
  return await previewDrain(
    { ...ports, capacity: ports.capacity },
    drainOptionsOf(command, ctx.deps.config.drain.stuckAfterSeconds),
    ctx.deps.clock.now(),
    ctx.signal,
  );
}

/** What a drain says in the request's thread and on its card while it runs. */
export function drainListener(
  ctx: JobContext,
  progress: ReturnType<typeof calmProgress>,
  nodeCount: number,
): DrainListener {
  return {
    selected: async (drain) => {
      await ctx.reply(drain.errors.length > 0 ? drainRefusedMessage(drain) : drainStartedMessage(drain));
    },
    progress: (p) => progress.update(drainProgressDetail(p)),
    stuck: async (stuck) => {
      await ctx.reply(drainStuckMessage(ctx.payload.request.id, stuck));
    },
    decided: async (decision, effect) => {
      await ctx.reply(drainDecisionMessage(decision, effect));
    },
    nodeFinished: async (drain) => {
      if (nodeCount > 1) await ctx.reply(notice('info', nodeHeadline(drain)));
    },
  };
}

/**
 * `drain <node…>`: cordon, evict with kubectl's semantics but all at once, report every pod's outcome. The
 * drain's state lives in the job's data, so a worker that dies is replaced by one that carries on (and says so).
 */
export const drainJob: OperationJob = {
  resumable: true,

  async preview(ctx) {
    return { sections: drainPreviewSections(await drainPreviewFor(ctx)) };
  },

  async run(ctx) {
    const command = drainCommand(ctx);
    if (command.dryRun) {
      const preview = await drainPreviewFor(ctx);
      await ctx.reply(drainPreviewMessage(preview));
      return { summary: `dry run: ${preview.evicting} pods would be evicted; nothing changed` };
    }
    const saved = DrainState.safeParse(ctx.job.data?.[DRAIN_CHECKPOINT]);
    const resume = saved.success ? saved.data : undefined;
    if (resume) await ctx.reply(drainResumedMessage(resume));

    return await withNodeOperation(ctx, command.nodes, async (operation) => {
      const progress = calmProgress(ctx);
      let state: DrainState;
      try {
        state = await drainNodes(
          operation.ports,
          drainOptionsOf(command, ctx.deps.config.drain.stuckAfterSeconds),
          {
            signal: operation.signal,
            listener: drainListener(ctx, progress, command.nodes.length),
            decisions: operation.decisions,
            checkpoint: jobCheckpoint(ctx, DRAIN_CHECKPOINT),
            resume,
          },
        );
      } finally {
        progress.stop();
      }
      const now = ctx.deps.clock.now();
      const { message, attachment } = drainSummary(state, now);
      await ctx.reply(message, attachment);
      if (state.abortedBy) throw new CancelledError(state.abortedBy);
      if (state.nodes.some((n) => n.outcome === 'cancelled')) throw ctx.signal.reason;
      const ok = state.nodes.every((n) => n.outcome === 'drained');
      return { summary: drainSummaryLine(state, now), state: ok ? 'succeeded' : 'failed' };
    });
  },
};
