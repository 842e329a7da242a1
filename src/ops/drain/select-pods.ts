import type { PodSummary } from '../../ports/pod-inventory.js';
import { type FilterContext, podDeleteStatus } from './pod-filters.js';

/** Pods grouped under one message, as kubectl prints them (`<message>: ns/a, ns/b`). */
export interface PodGroupMessage {
  message: string;
  pods: string[];
}

/** What the filters made of the pods on a node. */
export interface PodSelection {
  /** Pods to evict, in the order the API listed them. */
  evict: PodSummary[];
  /** Pods left alone silently (mirror pods, pods past --skip-wait-for-delete-timeout). */
  skipped: PodSummary[];
  /** kubectl's `Warning: …` line, one entry per message. */
  warnings: PodGroupMessage[];
  /** Why the drain must not start; kubectl's `cannot delete …` errors, one per message. */
  errors: PodGroupMessage[];
}

const podName = (pod: PodSummary) => `${pod.namespace}/${pod.name}`;

function group(entries: Array<{ message: string; pod: PodSummary }>): PodGroupMessage[] {
  const byMessage = new Map<string, string[]>();
  for (const { message, pod } of entries) {
    byMessage.set(message, [...(byMessage.get(message) ?? []), podName(pod)]);
  }
  return [...byMessage.entries()].map(([message, pods]) => ({ message, pods }));
}

/** kubectl's error text: every error reads "cannot delete …", without doubling the words that already do. */
export function errorText(message: string): string {
  return message.toLowerCase().startsWith('cannot delete') ? message : `cannot delete ${message}`;
}

/** Runs every pod through kubectl's filters (GetPodsForDeletion). */
export async function selectPods(pods: readonly PodSummary[], context: FilterContext): Promise<PodSelection> {
  const evict: PodSummary[] = [];
  const skipped: PodSummary[] = [];
  const warnings: Array<{ message: string; pod: PodSummary }> = [];
  const errors: Array<{ message: string; pod: PodSummary }> = [];
  for (const pod of pods) {
    const status = await podDeleteStatus(pod, context);
    if (status.delete) evict.push(pod);
    if (status.reason === 'skip') skipped.push(pod);
    if (status.reason === 'warning') warnings.push({ message: status.message ?? '', pod });
    if (status.reason === 'error')
      errors.push({ message: errorText(status.message || 'unexpected error'), pod });
  }
  return { evict, skipped, warnings: group(warnings), errors: group(errors) };
}
