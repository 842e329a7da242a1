import { kubeDrainPorts } from '../src/adapters/k8s/drain-adapters.js';
import { drainPreviewSections } from '../src/messages/drain-preview.js';
import { drainResumedMessage } from '../src/messages/drain-resumed.js';
import { maintainReadyMessage } from '../src/messages/maintain-ready.js';
import { maintainReportMessage } from '../src/messages/maintain-report.js';
import { notice } from '../src/messages/notice.js';
import { maintainNode } from '../src/ops/maintain/maintain-node.js';
import { MaintainState } from '../src/ops/maintain/maintain-state.js';
import { previewDrain } from '../src/ops/preview/drain-preview.js';
import { drainListener } from './drain.js';
import { calmProgress, jobCheckpoint, withNodeOperation } from './node-operation.js';
import type { JobContext, OperationJob } from './request-job.js';

export const MAINTAIN_CHECKPOINT = 'maintainState';

const DRAIN_DEFAULTS = {
  timeoutSeconds: 600,
  force: false,
  deleteEmptyDirData: false,
  ignoreDaemonSets: true,
} as const;

function maintainCommand(ctx: Pick<JobContext, 'payload'>) {
  const { command } = ctx.payload;
  if (command.name !== 'maintain') throw new Error(`the maintain job got a ${command.name} command`);
  return command;
}

/**
 * `maintain <node>`: drain → "ready for maintenance" with a button → wait for Ready → uncordon → where the pods
 * went and how long it took. Resumable at every step: a new worker continues where the last one stopped.
 */
export const maintainJob: OperationJob = {
  resumable: true,

  async preview(ctx) {
    const command = maintainCommand(ctx);
    const cluster = ctx.payload.request.cluster ?? '';
    const ports = kubeDrainPorts(ctx.deps.clusters.kubeConfig(cluster), cluster, ctx.deps.clock);
    const preview = await previewDrain(
      ports,
      { ...DRAIN_DEFAULTS, nodes: [command.node] },
      ctx.deps.clock.now(),
      ctx.signal,
    );
    return { sections: drainPreviewSections(preview) };
  },

  async run(ctx) {
    const command = maintainCommand(ctx);
    const saved = MaintainState.safeParse(ctx.job.data?.[MAINTAIN_CHECKPOINT]);
    const resume = saved.success ? saved.data : undefined;
    // While it waits for "maintenance done" no worker runs it (the job is parked), so waking up is no resume.
    if (resume?.drain && resume.phase === 'draining') await ctx.reply(drainResumedMessage(resume.drain));
    else if (resume && resume.phase !== 'awaiting-maintenance')
      await ctx.reply(notice('info', `Resumed by another worker, ${resume.phase.replace('-', ' ')}.`));

    return await withNodeOperation(ctx, [command.node], async (operation) => {
      const progress = calmProgress(ctx);
      try {
        const report = await maintainNode(
          operation.ports,
          {
            node: command.node,
            drain: { ...DRAIN_DEFAULTS, stuckAfterMs: ctx.deps.config.drain.stuckAfterSeconds * 1000 },
          },
          {
            signal: operation.signal,
            decisions: operation.decisions,
            checkpoint: jobCheckpoint(ctx, MAINTAIN_CHECKPOINT),
            resume,
            park: true,
            listener: {
              drain: drainListener(ctx, progress, 1),
              readyForMaintenance: async (state) => {
                progress.stop();
                await ctx.reply(maintainReadyMessage(ctx.payload.request.id, state, command.reason));
                await ctx.progress(`${command.node} drained; waiting for maintenance`);
              },
              maintenanceDone: async (state) => {
                await ctx.reply(
                  notice(
                    'info',
                    `<@${state.doneBy ?? '?'}> says maintenance is done. Waiting for *${command.node}* to be Ready, then uncordoning it.`,
                  ),
                );
                await ctx.progress(`waiting for ${command.node} to be Ready`);
              },
            },
          },
        );
        const now = ctx.deps.clock.now();
        await ctx.reply(maintainReportMessage(report, now));
        if (operation.signal.aborted) throw operation.signal.reason;
        const { state } = report;
        return state.phase === 'done'
          ? { summary: `${command.node} maintained and back in service` }
          : { summary: `${command.node}: ${state.stoppedBecause ?? 'stopped'}`, state: 'failed' };
      } finally {
        progress.stop();
      }
    });
  },
};
