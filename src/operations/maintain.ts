import { z } from 'zod';
import { clusterFlag, rawCommand } from '../commands/grammar.js';
import { clusterRef, nodeName } from '../commands/values.js';
import {
  MAINTAIN_READY_REPLY,
  maintainReadyMessage,
  maintenanceDoneLine,
} from '../messages/maintain-ready.js';
import { maintainReportMessage } from '../messages/maintain-report.js';
import { notice } from '../messages/notice.js';
import { maintainNode } from '../ops/maintain/maintain-node.js';
import { MaintainState } from '../ops/maintain/maintain-state.js';
import { previewDrain } from '../ops/preview/drain-preview.js';
import { calmProgress } from './calm-progress.js';
import {
  approvalPreviewOf,
  DEFAULT_DRAIN_TIMEOUT,
  DRAIN_FLAG_VALUES,
  DRAIN_FLAGS,
  drainFlagsOf,
  drainListener,
  drainOptionsOf,
} from './drain.js';
import { defineOperation } from './operation.js';

export const MAINTAIN_CHECKPOINT = 'maintainState';

export const MaintainCommand = z.object({
  name: z.literal('maintain'),
  node: z.string(),
  cluster: z.string().optional(),
  reason: z.string().optional(),
  // How its drain goes, as `drain` takes it; defaults for a request queued before maintain took them.
  timeoutSeconds: z.number().default(DEFAULT_DRAIN_TIMEOUT),
  gracePeriodSeconds: z.number().optional(),
  deleteEmptyDirData: z.boolean().default(false),
  force: z.boolean().default(false),
  podSelector: z.string().optional(),
});
export type MaintainCommand = z.infer<typeof MaintainCommand>;

/**
 * `maintain <node>`: drain → "ready for maintenance" with a button → wait for Ready → uncordon → where the pods
 * went and how long it took. Resumable at every step: a new worker continues where the last one stopped.
 */
export const maintainOperation = defineOperation<MaintainCommand>({
  name: 'maintain',
  grammar: {
    summary: 'drain a node, wait for you to finish maintenance, then bring it back and uncordon it',
    args: { name: 'node', min: 1, max: 1 },
    flags: [
      clusterFlag,
      { name: 'reason', kind: 'value', value: 'TEXT', summary: 'why, for the thread and the audit log' },
      ...DRAIN_FLAGS,
    ],
    examples: [
      'maintain worker-1 --reason "kernel update"',
      'maintain worker-3 --reason "disk swap" --delete-emptydir-data --timeout 20m',
    ],
    schema: rawCommand({
      cluster: clusterRef.optional(),
      reason: z.string().max(300, 'is limited to 300 characters').optional(),
      ...DRAIN_FLAG_VALUES,
    })
      .extend({ args: z.tuple([nodeName]) })
      .transform((r) => ({
        name: 'maintain' as const,
        node: r.args[0],
        cluster: r.flags.cluster,
        reason: r.flags.reason,
        ...drainFlagsOf(r.flags),
      })),
  },
  command: MaintainCommand,
  mutates: true,
  lock: { scope: 'nodes', nodes: (command) => [command.node] },
  resumable: true,

  async preview(ctx) {
    const preview = await previewDrain(
      ctx.ports,
      drainOptionsOf({ ...ctx.command, nodes: [ctx.command.node] }, ctx.env.config.drain.stuckAfterSeconds),
      ctx.env.clock.now(),
      ctx.signal,
    );
    return approvalPreviewOf(preview);
  },

  async run(ctx) {
    const { command } = ctx;
    const saved = MaintainState.safeParse(ctx.saved(MAINTAIN_CHECKPOINT));
    const resume = saved.success ? saved.data : undefined;
    // While it waits for "maintenance done" no worker runs it (the job is parked), so waking up is no resume.
    // A resumed drain says so itself, once it has looked at the cluster (the drain listener's `resumed`).
    if (resume && resume.phase !== 'awaiting-maintenance' && !(resume.drain && resume.phase === 'draining'))
      await ctx.reply(notice('info', `Resumed by another worker, ${resume.phase.replace('-', ' ')}.`));

    const progress = calmProgress(ctx);
    // The "Maintenance done" button, once posted, goes when the maintenance ends before anyone pressed it.
    let announced = resume?.announcedAt !== undefined ? resume : undefined;
    const retireButton = async (state: MaintainState, ended: string) => {
      if (state.doneBy !== undefined) return;
      await ctx.editReply(
        MAINTAIN_READY_REPLY,
        maintainReadyMessage(ctx.request.id, state, command.reason, ended),
      );
    };
    const CANCELLED = 'the maintenance was cancelled; the node stays cordoned';
    try {
      const report = await maintainNode(
        ctx.ports,
        {
          node: command.node,
          drain: drainOptionsOf(
            { ...command, nodes: [command.node] },
            ctx.env.config.drain.stuckAfterSeconds,
          ),
        },
        {
          signal: ctx.signal,
          decisions: ctx.decisions,
          checkpoint: ctx.checkpoint(MAINTAIN_CHECKPOINT),
          resume,
          park: true,
          listener: {
            drain: drainListener(ctx, progress, 1),
            readyForMaintenance: async (state) => {
              announced = state;
              progress.stop();
              await ctx.reply(
                maintainReadyMessage(ctx.request.id, state, command.reason),
                undefined,
                MAINTAIN_READY_REPLY,
              );
              await ctx.progress(`${command.node} drained; waiting for maintenance`);
            },
            maintenanceDone: async (state) => {
              // The button has done its work: it gives way to who pressed it and when.
              await ctx.editReply(
                MAINTAIN_READY_REPLY,
                maintainReadyMessage(ctx.request.id, state, command.reason),
              );
              await ctx.reply(maintenanceDoneLine(command.node, state.doneBy));
              await ctx.progress(`waiting for ${command.node} to be Ready`);
            },
          },
        },
      );
      const { state } = report;
      // Ended before anyone pressed the button (aborted, timed out): the button goes too.
      if (state.announcedAt !== undefined)
        await retireButton(
          state,
          ctx.signal.aborted ? CANCELLED : (state.stoppedBecause ?? 'the maintenance ended'),
        );
      await ctx.reply(maintainReportMessage(report, ctx.env.clock.now()));
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return state.phase === 'done'
        ? { summary: `${command.node} maintained and back in service` }
        : { summary: `${command.node}: ${state.stoppedBecause ?? 'stopped'}`, state: 'failed' };
    } catch (error) {
      if (ctx.signal.aborted && announced) await retireButton(announced, CANCELLED);
      throw error;
    } finally {
      progress.stop();
    }
  },
});
