import type { NodeDrain } from '../ops/drain/drain-state.js';
import type { SlackMessage } from '../queue/payloads.js';
import { context, escapeMrkdwn, section } from './blocks.js';

const list = (pods: string[], max = 15) =>
  pods
    .slice(0, max)
    .map((p) => `\`${escapeMrkdwn(p)}\``)
    .join(', ') + (pods.length > max ? ` and ${pods.length - max} more` : '');

/** The thread is told what the filters decided: what will be evicted, what is ignored, and why. */
export function drainStartedMessage(drain: NodeDrain): SlackMessage {
  const owners = new Set(drain.pods.map((p) => `${p.namespace}/${p.owner ?? p.name}`)).size;
  const head =
    drain.pods.length === 0
      ? `*${escapeMrkdwn(drain.node)}* is cordoned and has no pods to evict.`
      : `*${escapeMrkdwn(drain.node)}* is cordoned. Evicting ${drain.pods.length} pod${drain.pods.length === 1 ? '' : 's'} of ${owners} owner${owners === 1 ? '' : 's'}, all at once; budgets decide the pace.`;
  const warnings = drain.warnings.map((w) => `:warning: ${escapeMrkdwn(w.message)}: ${list(w.pods)}`);
  const notes =
    drain.skippedSilently > 0
      ? [context(`${drain.skippedSilently} mirror pod(s) left alone, as kubectl does.`)]
      : [];
  return {
    text: `${drain.node} cordoned; evicting ${drain.pods.length} pods`,
    blocks: [section(head), ...warnings.map(section), ...notes],
  };
}

/** kubectl's refusal, pod by pod: nothing is evicted, the node stays cordoned. */
export function drainRefusedMessage(drain: NodeDrain): SlackMessage {
  const errors = drain.errors.map((e) => `• ${escapeMrkdwn(e.message)}: ${list(e.pods)}`);
  return {
    text: `${drain.node}: drain refused, nothing evicted`,
    blocks: [
      section(
        `:no_entry: *${escapeMrkdwn(drain.node)}* cannot be drained as asked; nothing was evicted and the node stays cordoned.\n${errors.join('\n')}`,
      ),
      context(
        '`--force` evicts pods without a controller; `--delete-emptydir-data` evicts pods with emptyDir volumes (their data is lost).',
      ),
    ],
  };
}
