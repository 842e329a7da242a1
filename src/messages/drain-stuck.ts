import { z } from 'zod';
import type { StuckPod } from '../ops/drain/stuck-pod.js';
import type { SlackMessage } from '../queue/payloads.js';
import { actions, context, escapeMrkdwn, section } from './blocks.js';
import { took } from './drain-words.js';

/** The buttons under a stuck-drain explanation; the handler (handlers/drain-actions.ts) routes them. */
export const DRAIN_ACTIONS = {
  keepWaiting: 'drain-keep-waiting',
  skipPod: 'drain-skip-pod',
  deletePod: 'drain-delete-pod',
  abort: 'drain-abort',
} as const;

/** What a drain button carries: the request it belongs to and the pod it is about. */
export const DrainButtonValue = z.object({
  r: z.string().regex(/^r-[a-z0-9]{12}$/),
  ns: z.string().optional(),
  pod: z.string().optional(),
});
export type DrainButtonValue = z.infer<typeof DrainButtonValue>;

const budgetRule = (stuck: StuckPod) => {
  const b = stuck.budget;
  if (!b) return 'no budget found for it now';
  if (b.minAvailable !== undefined) return `minAvailable: ${b.minAvailable}`;
  if (b.maxUnavailable !== undefined) return `maxUnavailable: ${b.maxUnavailable}`;
  return 'neither minAvailable nor maxUnavailable';
};

/** At most this many pods are named as not Ready; the rest are counted. */
const NOT_READY_SHOWN = 5;

/**
 * Why the budget is short, when bosun can tell: the pods it covers that are not Ready and why (the scheduler's
 * words for a Pending pod), or a rule that allows no disruption even with every pod healthy.
 */
function rootCause(stuck: StuckPod): string | undefined {
  const b = stuck.budget;
  if (!b) return undefined;
  if (stuck.notReady.length > 0) {
    const named = stuck.notReady
      .slice(0, NOT_READY_SHOWN)
      .map(
        (r) =>
          `• \`${escapeMrkdwn(`${r.namespace}/${r.name}`)}\`${r.node ? ` on ${escapeMrkdwn(r.node)}` : ''}: ${escapeMrkdwn(r.why ?? 'not Ready')}`,
      );
    const more = stuck.notReady.length - NOT_READY_SHOWN;
    if (more > 0) named.push(`… and ${more} more`);
    return `*Why:* ${stuck.notReady.length === 1 ? 'a pod' : `${stuck.notReady.length} pods`} of the budget ${stuck.notReady.length === 1 ? 'is' : 'are'} not Ready, so it cannot spare another until ${stuck.notReady.length === 1 ? 'it is' : 'they are'}:\n${named.join('\n')}`;
  }
  if (b.disruptionsAllowed === 0 && b.currentHealthy >= b.expectedPods) {
    return `*Why:* every pod the budget covers is healthy, and its rule (${budgetRule(stuck)}) still allows no disruption: waiting will not help. Skip the pod, delete it ignoring the budget, or change the budget.`;
  }
  return undefined;
}

/** The thread reply explaining a stuck pod, by name: rewritten once its buttons stop applying. */
export const stuckReplyKey = (pod: { namespace: string; name: string }) =>
  `stuck:${pod.namespace}/${pod.name}`;

/**
 * Why a pod has been waiting, with what to do about it. Once someone decided about it, or its drain ended,
 * `resolved` (mrkdwn) takes the buttons' place.
 */
export function drainStuckMessage(requestId: string, stuck: StuckPod, resolved?: string): SlackMessage {
  const pod = `${stuck.pod.namespace}/${stuck.pod.name}`;
  const value = JSON.stringify({
    r: requestId,
    ns: stuck.pod.namespace,
    pod: stuck.pod.name,
  } satisfies DrainButtonValue);
  const b = stuck.budget;
  const numbers = b
    ? `PodDisruptionBudget *${escapeMrkdwn(`${b.namespace}/${b.name}`)}* (${budgetRule(stuck)}) has ${b.currentHealthy} healthy of ${b.desiredHealthy} required (${b.expectedPods} expected) and allows *${b.disruptionsAllowed}* disruption${b.disruptionsAllowed === 1 ? '' : 's'} now.`
    : 'bosun could not find the budget behind the refusal.';
  const cause = rootCause(stuck);
  return {
    text: `${pod} on ${stuck.node} has waited ${took(stuck.blockedForMs)} for its disruption budget`,
    blocks: [
      section(
        `:hourglass: \`${escapeMrkdwn(pod)}\` on *${escapeMrkdwn(stuck.node)}* has been blocked for ${took(stuck.blockedForMs)}.\n${numbers}`,
      ),
      ...(cause ? [section(cause)] : []),
      context(`API server: ${escapeMrkdwn(stuck.message)}`),
      ...(resolved !== undefined ? [context(resolved)] : []),
      ...buttons(resolved === undefined, requestId, pod, value),
    ],
  };
}

function buttons(shown: boolean, requestId: string, pod: string, value: string) {
  if (!shown) return [];
  return [
    actions(`drain:${requestId}`, [
      { actionId: DRAIN_ACTIONS.keepWaiting, text: 'Keep waiting', value },
      { actionId: DRAIN_ACTIONS.skipPod, text: 'Skip this pod', value },
      {
        actionId: DRAIN_ACTIONS.deletePod,
        text: 'Delete it ignoring the PDB',
        value,
        style: 'danger',
        confirm: {
          title: 'Delete ignoring the budget?',
          text: `\`${escapeMrkdwn(pod)}\` is deleted now, even though its budget allows no disruption: its service may lose capacity.`,
          confirm: 'Delete it',
          deny: 'Cancel',
        },
      },
      {
        actionId: DRAIN_ACTIONS.abort,
        text: 'Abort and uncordon',
        value: JSON.stringify({ r: requestId } satisfies DrainButtonValue),
        confirm: {
          title: 'Abort the drain?',
          text: 'bosun stops evicting and uncordons the nodes it cordoned. Pods already evicted stay where they went.',
          confirm: 'Abort',
          deny: 'Keep draining',
        },
      },
    ]),
  ];
}
