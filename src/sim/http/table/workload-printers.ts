import type { KubeObject } from '../../types.js';
import {
  AGE_COLUMN,
  column,
  formatLabels,
  formatSelector,
  type KindPrinter,
  list,
  NAME_COLUMN,
  num,
  record,
  str,
  templateContainers,
} from './column.js';
import { ageOf, humanDuration } from './human-duration.js';

const CONTAINERS = column('Containers', 'string', 'Names of each container in the template.', 1);
const IMAGES = column('Images', 'string', 'Images referenced by each container in the template.', 1);
const SELECTOR = column('Selector', 'string', 'Label selector for pods.', 1);

export const deploymentPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    column(
      'Up-to-date',
      'string',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
    ),
    column(
      'Available',
      'string',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
    ),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(d: KubeObject, now: number) {
    const spec = record(d.spec);
    const status = record(d.status);
    const [containers, images] = templateContainers(d);
    return [
      d.metadata.name ?? '',
      `${num(status.readyReplicas)}/${num(spec.replicas)}`,
      num(status.updatedReplicas),
      num(status.availableReplicas),
      ageOf(d.metadata.creationTimestamp, now),
      containers,
      images,
      formatSelector(spec.selector),
    ];
  },
};

export const replicaSetPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(rs, now) {
    const status = record(rs.status);
    const [containers, images] = templateContainers(rs);
    return [
      rs.metadata.name ?? '',
      num(record(rs.spec).replicas),
      num(status.replicas),
      num(status.readyReplicas),
      ageOf(rs.metadata.creationTimestamp, now),
      containers,
      images,
      formatSelector(record(rs.spec).selector),
    ];
  },
};

export const daemonSetPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    column(
      'Current',
      'integer',
      'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.',
    ),
    column(
      'Ready',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.',
    ),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    column(
      'Available',
      'integer',
      'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.',
    ),
    column(
      'Node Selector',
      'string',
      'NodeSelector is a selector which must be true for the pod to fit on a node.',
    ),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(ds, now) {
    const status = record(ds.status);
    const podSpec = record(record(record(ds.spec).template).spec);
    const [containers, images] = templateContainers(ds);
    return [
      ds.metadata.name ?? '',
      num(status.desiredNumberScheduled),
      num(status.currentNumberScheduled),
      num(status.numberReady),
      num(status.updatedNumberScheduled),
      num(status.numberAvailable),
      formatLabels(podSpec.nodeSelector),
      ageOf(ds.metadata.creationTimestamp, now),
      containers,
      images,
      formatSelector(record(ds.spec).selector),
    ];
  },
};

export const statefulSetPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Number of the pod with ready state'),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
  ],
  cells(sts, now) {
    const [containers, images] = templateContainers(sts);
    return [
      sts.metadata.name ?? '',
      `${num(record(sts.status).readyReplicas)}/${num(record(sts.spec).replicas)}`,
      ageOf(sts.metadata.creationTimestamp, now),
      containers,
      images,
    ];
  },
};

function conditionTrue(object: KubeObject, type: string): boolean {
  return list(record(object.status).conditions)
    .map(record)
    .some((c) => c.type === type && c.status === 'True');
}

export const jobPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', 'The completion status of the job.'),
    column('Duration', 'string', 'Time required to complete the job.'),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(job, now) {
    const spec = record(job.spec);
    const status = record(job.status);
    let state = 'Running';
    if (conditionTrue(job, 'Failed')) state = 'Failed';
    else if (conditionTrue(job, 'Complete')) state = 'Complete';
    else if (conditionTrue(job, 'Suspended')) state = 'Suspended';
    else if (conditionTrue(job, 'FailureTarget')) state = 'FailureTarget';
    else if (conditionTrue(job, 'SuccessCriteriaMet')) state = 'SuccessCriteriaMet';
    let completions: string;
    if (typeof spec.completions === 'number') completions = `${num(status.succeeded)}/${spec.completions}`;
    else if (num(spec.parallelism) > 1)
      completions = `${num(status.succeeded)}/1 of ${num(spec.parallelism)}`;
    else completions = `${num(status.succeeded)}/1`;
    let duration = '';
    const start = typeof status.startTime === 'string' ? Date.parse(status.startTime) : Number.NaN;
    if (!Number.isNaN(start)) {
      const end = typeof status.completionTime === 'string' ? Date.parse(status.completionTime) : now;
      duration = humanDuration(end - start);
    }
    const [containers, images] = templateContainers(job);
    return [
      job.metadata.name ?? '',
      state,
      completions,
      duration,
      ageOf(job.metadata.creationTimestamp, now),
      containers,
      images,
      formatSelector(spec.selector),
    ];
  },
};

export const cronJobPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'string', 'The time zone name for the given schedule.'),
    column('Suspend', 'boolean', 'This flag tells the controller to suspend subsequent executions.'),
    column('Active', 'integer', 'A list of pointers to currently running jobs.'),
    column(
      'Last Schedule',
      'string',
      'Information when was the last time the job was successfully scheduled.',
    ),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(cj, now) {
    const spec = record(cj.spec);
    const status = record(cj.status);
    const [containers, images] = templateContainers(cj, 'jobTemplate');
    return [
      cj.metadata.name ?? '',
      str(spec.schedule),
      str(spec.timeZone, '<none>'),
      spec.suspend === true ? 'True' : 'False',
      list(status.active).length,
      typeof status.lastScheduleTime === 'string' ? ageOf(status.lastScheduleTime, now) : '<none>',
      ageOf(cj.metadata.creationTimestamp, now),
      containers,
      images,
      formatSelector(record(record(spec.jobTemplate).spec).selector),
    ];
  },
};

function intOrPercent(value: unknown): string {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : 'N/A';
}

export const podDisruptionBudgetPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    AGE_COLUMN,
  ],
  cells(pdb, now) {
    const spec = record(pdb.spec);
    return [
      pdb.metadata.name ?? '',
      intOrPercent(spec.minAvailable),
      intOrPercent(spec.maxUnavailable),
      num(record(pdb.status).disruptionsAllowed),
      ageOf(pdb.metadata.creationTimestamp, now),
    ];
  },
};
