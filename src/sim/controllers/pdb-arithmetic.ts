import type { KubeObject, OwnerReference } from '../types.js';
import { selectorMatches } from './label-selector.js';
import { controllerRefOf } from './owner-references.js';
import { isPodReady, isTerminating } from './pods.js';

/** How long an eviction may stay unconfirmed in `status.disruptedPods` (DeletionTimeout of the controller). */
export const disruptedPodTimeoutMs = 2 * 60 * 1000;

/** A workload's identity and desired size, as the disruption controller's finders report it. */
export interface ControllerScale {
  uid: string;
  scale: number;
}

/**
 * Resolves a pod's controllerRef to the top controller and its replicas (a Deployment rather than its
 * ReplicaSet). `undefined` means nothing was found; an Error is a sync failure with that message.
 */
export type ControllerScaleLookup = (
  ref: OwnerReference,
  namespace: string,
) => ControllerScale | undefined | Error;

export interface PdbCondition {
  type: 'DisruptionAllowed';
  status: 'True' | 'False';
  reason: 'SufficientPods' | 'InsufficientPods' | 'SyncFailed';
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
}

export interface PdbStatus {
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  disruptionsAllowed: number;
  disruptedPods?: Record<string, string>;
  observedGeneration?: number;
  conditions: PdbCondition[];
}

export interface PdbComputation {
  status: PdbStatus;
  /** Real time (ms) at which a disruptedPods entry expires and the status must be computed again. */
  recheckAt?: number;
}

class SyncError extends Error {}

/** GetScaledValueFromIntOrPercent with rounding up, as both PDB fields use it. */
function scaledValue(value: unknown, total: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const match = /^(\d+)%$/.exec(value);
    if (match) return Math.ceil((Number(match[1]) * total) / 100);
    if (/^\d+$/.test(value)) return Number(value);
  }
  throw new SyncError(`invalid value for IntOrString: invalid value "${String(value)}"`);
}

function isPercent(value: unknown): boolean {
  return typeof value === 'string' && value.endsWith('%');
}

/** getExpectedScale: the summed replicas of the distinct controllers of the matched pods. */
function expectedScale(pods: readonly KubeObject[], lookup: ControllerScaleLookup): number {
  const scales = new Map<string, number>();
  for (const pod of pods) {
    const ref = controllerRefOf(pod);
    if (!ref) continue; // unmanaged pods are ignored (the real controller only records an event)
    const found = lookup(ref, pod.metadata.namespace ?? '');
    if (found instanceof Error) throw new SyncError(found.message);
    if (!found) throw new SyncError(`found no controllers for pod "${pod.metadata.name ?? ''}"`);
    scales.set(found.uid, found.scale);
  }
  let total = 0;
  for (const scale of scales.values()) total += scale;
  return total;
}

function condition(
  previous: readonly PdbCondition[] | undefined,
  next: Omit<PdbCondition, 'lastTransitionTime'>,
  now: number,
): PdbCondition[] {
  const old = previous?.find((c) => c.type === 'DisruptionAllowed');
  const lastTransitionTime =
    old && old.status === next.status
      ? old.lastTransitionTime
      : new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  const others = (previous ?? []).filter((c) => c.type !== 'DisruptionAllowed');
  return [...others, { ...next, lastTransitionTime }];
}

/** The pods of the PDB's namespace that its selector picks: null selects nothing, `{}` everything. */
export function podsSelectedBy(pdb: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const namespace = pdb.metadata.namespace;
  return pods.filter(
    (pod) => pod.metadata.namespace === namespace && selectorMatches(pdb.spec?.selector, pod.metadata.labels),
  );
}

/**
 * The disruption controller's status for one PDB (contract 4.2): desired and current healthy pods, expected
 * pods from the controllers' replicas, disruptedPods bookkeeping with its expiry, the DisruptionAllowed
 * condition and observedGeneration. A sync failure gives the fail-safe status, which leaves observedGeneration
 * where it was, exactly like the real controller.
 */
export function computePdbStatus(
  pdb: KubeObject,
  matchedPods: readonly KubeObject[],
  lookup: ControllerScaleLookup,
  now: number,
  disruptedPodTimeout: number,
): PdbComputation {
  const previous: Partial<PdbStatus> = pdb.status ?? {};
  const generation = pdb.metadata.generation ?? 1;
  try {
    const { minAvailable, maxUnavailable } = pdb.spec ?? {};
    let expectedPods = 0;
    let desiredHealthy = 0;
    if (maxUnavailable !== undefined && maxUnavailable !== null) {
      expectedPods = expectedScale(matchedPods, lookup);
      desiredHealthy = Math.max(0, expectedPods - scaledValue(maxUnavailable, expectedPods));
    } else if (minAvailable !== undefined && minAvailable !== null) {
      if (isPercent(minAvailable)) {
        expectedPods = expectedScale(matchedPods, lookup);
        desiredHealthy = scaledValue(minAvailable, expectedPods);
      } else {
        desiredHealthy = scaledValue(minAvailable, 0);
        expectedPods = matchedPods.length;
      }
    }

    const disruptedPods: Record<string, string> = {};
    let recheckAt: number | undefined;
    for (const pod of matchedPods) {
      const name = pod.metadata.name ?? '';
      const since = previous.disruptedPods?.[name];
      if (isTerminating(pod) || since === undefined) continue;
      const expires = Date.parse(since) + disruptedPodTimeout;
      if (!(expires > now)) continue; // not deleted in time: the real controller drops it with event NotDeleted
      disruptedPods[name] = since;
      recheckAt = recheckAt === undefined ? expires : Math.min(recheckAt, expires);
    }

    let currentHealthy = 0;
    for (const pod of matchedPods) {
      if (isTerminating(pod)) continue;
      if (disruptedPods[pod.metadata.name ?? ''] !== undefined) continue;
      if (isPodReady(pod)) currentHealthy++;
    }

    let disruptionsAllowed = currentHealthy - desiredHealthy;
    if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
    const status: PdbStatus = {
      ...(Object.keys(disruptedPods).length > 0 ? { disruptedPods } : {}),
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy,
      expectedPods,
      observedGeneration: generation,
      conditions: condition(
        previous.conditions,
        disruptionsAllowed > 0
          ? {
              type: 'DisruptionAllowed',
              status: 'True',
              reason: 'SufficientPods',
              message: '',
              observedGeneration: generation,
            }
          : {
              type: 'DisruptionAllowed',
              status: 'False',
              reason: 'InsufficientPods',
              message: '',
              observedGeneration: generation,
            },
        now,
      ),
    };
    return recheckAt === undefined ? { status } : { status, recheckAt };
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    const observedGeneration = previous.observedGeneration ?? 0;
    return {
      status: {
        ...previous,
        disruptionsAllowed: 0,
        conditions: condition(
          previous.conditions,
          {
            type: 'DisruptionAllowed',
            status: 'False',
            reason: 'SyncFailed',
            message: error.message,
            observedGeneration,
          },
          now,
        ),
      },
    };
  }
}
