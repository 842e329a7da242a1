import { createHash } from 'node:crypto';
import type { KubeObject } from '../types.js';
import { type Condition, withCondition } from './conditions.js';

type Status = Record<string, unknown>;

interface Container {
  name: string;
  image?: string;
}

function containers(pod: KubeObject): Container[] {
  const list: unknown = pod.spec?.containers;
  return Array.isArray(list) ? (list as Container[]) : [];
}

function digest(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

function names(pod: KubeObject): string {
  return `[${containers(pod)
    .map((c) => c.name)
    .join(' ')}]`;
}

function setConditions(status: Status, conditions: Condition[], now: string): Status {
  let list: unknown = status.conditions;
  for (const condition of conditions) list = withCondition(list, condition, now) ?? list;
  return { ...status, conditions: list };
}

function containerStatus(
  pod: KubeObject,
  container: Container,
  state: object,
  ready: boolean,
  started: boolean,
) {
  const id = digest(`${pod.metadata.uid ?? ''}/${container.name}`);
  return {
    name: container.name,
    image: container.image ?? '',
    imageID: `${(container.image ?? '').split(':')[0]}@sha256:${digest(container.image ?? '')}`,
    containerID: `containerd://${id}`,
    ready,
    started,
    restartCount: 0,
    state,
    lastState: {},
  };
}

const unready = (pod: KubeObject, reason = 'ContainersNotReady'): Condition[] => [
  {
    type: 'Ready',
    status: 'False',
    reason,
    message: `containers with unready status: ${names(pod)}`,
    lastProbeTime: null,
  },
  {
    type: 'ContainersReady',
    status: 'False',
    reason,
    message: `containers with unready status: ${names(pod)}`,
    lastProbeTime: null,
  },
];

/** Bound and pulling: what kubectl shows as ContainerCreating. */
export function containerCreatingStatus(pod: KubeObject, hostIP: string, now: string): Status {
  const status: Status = {
    ...(pod.status ?? {}),
    phase: 'Pending',
    hostIP,
    hostIPs: [{ ip: hostIP }],
    startTime: pod.status?.startTime ?? now,
    containerStatuses: containers(pod).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
    })),
  };
  return setConditions(
    status,
    [
      { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null },
      { type: 'Initialized', status: 'True', lastProbeTime: null },
      ...unready(pod),
      { type: 'PodScheduled', status: 'True', lastProbeTime: null },
    ],
    now,
  );
}

/** Containers started, readiness probe not yet passing. */
export function runningStatus(pod: KubeObject, hostIP: string, podIP: string, now: string): Status {
  const status: Status = {
    ...(pod.status ?? {}),
    phase: 'Running',
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: pod.status?.startTime ?? now,
    containerStatuses: containers(pod).map((c) =>
      containerStatus(pod, c, { running: { startedAt: now } }, false, true),
    ),
  };
  return setConditions(
    status,
    [
      { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null },
      { type: 'Initialized', status: 'True', lastProbeTime: null },
      ...unready(pod),
      { type: 'PodScheduled', status: 'True', lastProbeTime: null },
    ],
    now,
  );
}

function setReadiness(pod: KubeObject, ready: boolean, now: string, reason?: string): Status {
  const current: unknown = pod.status?.containerStatuses;
  const statuses = Array.isArray(current)
    ? (current as Array<Record<string, unknown>>).map((s) => ({ ...s, ready }))
    : [];
  const status: Status = { ...(pod.status ?? {}), containerStatuses: statuses };
  return setConditions(
    status,
    ready
      ? [
          { type: 'Ready', status: 'True', lastProbeTime: null },
          { type: 'ContainersReady', status: 'True', lastProbeTime: null },
        ]
      : unready(pod, reason),
    now,
  );
}

/** The readiness probe passes. */
export function readyStatus(pod: KubeObject, now: string): Status {
  return setReadiness(pod, true, now);
}

/** The containers are being stopped, or the node stopped answering: no longer Ready, still Running. */
export function notReadyStatus(pod: KubeObject, now: string): Status {
  return setReadiness(pod, false, now);
}

/** The containers exited; a non-zero code makes the pod Failed. */
export function finishedStatus(pod: KubeObject, exitCode: number, now: string): Status {
  const succeeded = exitCode === 0;
  const reason = succeeded ? 'PodCompleted' : 'PodFailed';
  const status: Status = {
    ...(pod.status ?? {}),
    phase: succeeded ? 'Succeeded' : 'Failed',
    containerStatuses: containers(pod).map((c) => {
      const previous = (
        pod.status?.containerStatuses as
          | Array<{ name: string; state?: { running?: { startedAt?: string } } }>
          | undefined
      )?.find((s) => s.name === c.name);
      return containerStatus(
        pod,
        c,
        {
          terminated: {
            exitCode,
            reason: succeeded ? 'Completed' : 'Error',
            startedAt: previous?.state?.running?.startedAt ?? now,
            finishedAt: now,
            containerID: `containerd://${digest(`${pod.metadata.uid ?? ''}/${c.name}`)}`,
          },
        },
        false,
        false,
      );
    }),
  };
  return setConditions(
    status,
    [
      { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null },
      { type: 'Ready', status: 'False', reason, lastProbeTime: null },
      { type: 'ContainersReady', status: 'False', reason, lastProbeTime: null },
    ],
    now,
  );
}
