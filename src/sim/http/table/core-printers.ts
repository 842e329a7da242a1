import type { KubeObject } from '../../types.js';
import { AGE_COLUMN, column, type KindPrinter, list, NAME_COLUMN, num, record, str } from './column.js';
import { ageOf } from './human-duration.js';

/** Node rows: Status from the Ready condition (+SchedulingDisabled), Roles from node-role labels. */
export const nodePrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'The status of the node'),
    column('Roles', 'string', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet Version reported by the node.'),
    column(
      'Internal-IP',
      'string',
      'List of addresses reachable to the node. Queried from cloud provider, if available.',
      1,
    ),
    column(
      'External-IP',
      'string',
      'List of addresses reachable to the node. Queried from cloud provider, if available.',
      1,
    ),
    column(
      'OS-Image',
      'string',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      1,
    ),
    column(
      'Kernel-Version',
      'string',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      1,
    ),
    column(
      'Container-Runtime',
      'string',
      'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      1,
    ),
  ],
  cells(node: KubeObject, now: number) {
    const status = record(node.status);
    const ready = list(status.conditions)
      .map(record)
      .find((condition) => condition.type === 'Ready');
    const states: string[] = [];
    if (!ready) states.push('Unknown');
    else states.push(ready.status === 'True' ? 'Ready' : 'NotReady');
    if (record(node.spec).unschedulable === true) states.push('SchedulingDisabled');
    const labels = node.metadata.labels ?? {};
    const roles = new Set<string>();
    for (const [key, value] of Object.entries(labels)) {
      if (key.startsWith('node-role.kubernetes.io/')) {
        const role = key.slice('node-role.kubernetes.io/'.length);
        if (role) roles.add(role);
      } else if (key === 'kubernetes.io/role' && value) {
        roles.add(value);
      }
    }
    const addresses = list(status.addresses).map(record);
    const address = (type: string) => str(addresses.find((a) => a.type === type)?.address, '<none>');
    const info = record(status.nodeInfo);
    return [
      node.metadata.name ?? '',
      states.join(','),
      roles.size === 0 ? '<none>' : [...roles].sort().join(','),
      ageOf(node.metadata.creationTimestamp, now),
      str(info.kubeletVersion),
      address('InternalIP'),
      address('ExternalIP'),
      str(info.osImage, '<unknown>'),
      str(info.kernelVersion, '<unknown>'),
      str(info.containerRuntimeVersion, '<unknown>'),
    ];
  },
};

/** Pod rows with kubectl's Status logic: waiting/terminated reasons, Completed→Running, Terminating. */
export const podPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    column(
      'IP',
      'string',
      'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      1,
    ),
    column('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node.', 1),
    column(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.',
      1,
    ),
    column(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness.',
      1,
    ),
  ],
  cells(pod: KubeObject, now: number) {
    const spec = record(pod.spec);
    const status = record(pod.status);
    const totalContainers = list(spec.containers).length;
    let readyContainers = 0;
    let restarts = 0;
    let reason = str(status.reason, str(status.phase));
    const conditions = list(status.conditions).map(record);
    const initStatuses = list(status.initContainerStatuses).map(record);
    let initializing = false;
    initStatuses.forEach((container, index) => {
      restarts += num(container.restartCount);
      const state = record(container.state);
      const terminated = state.terminated === undefined ? undefined : record(state.terminated);
      const waiting = state.waiting === undefined ? undefined : record(state.waiting);
      if (terminated && num(terminated.exitCode) === 0) return;
      if (
        container.started === true &&
        list(spec.initContainers).map(record)[index]?.restartPolicy === 'Always'
      )
        return;
      if (initializing) return;
      initializing = true;
      if (terminated) {
        reason = terminated.reason
          ? `Init:${str(terminated.reason)}`
          : num(terminated.signal) !== 0
            ? `Init:Signal:${num(terminated.signal)}`
            : `Init:ExitCode:${num(terminated.exitCode)}`;
      } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
        reason = `Init:${str(waiting.reason)}`;
      } else {
        reason = `Init:${index}/${list(spec.initContainers).length}`;
      }
    });
    const initialized = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
    if (!initializing || initialized) {
      let hasRunning = false;
      const statuses = list(status.containerStatuses).map(record);
      for (let i = statuses.length - 1; i >= 0; i--) {
        const container = statuses[i] ?? {};
        restarts += num(container.restartCount);
        const state = record(container.state);
        const waiting = state.waiting === undefined ? undefined : record(state.waiting);
        const terminated = state.terminated === undefined ? undefined : record(state.terminated);
        if (waiting && str(waiting.reason)) reason = str(waiting.reason);
        else if (terminated && str(terminated.reason)) reason = str(terminated.reason);
        else if (terminated) {
          reason =
            num(terminated.signal) !== 0
              ? `Signal:${num(terminated.signal)}`
              : `ExitCode:${num(terminated.exitCode)}`;
        } else if (container.ready === true && state.running !== undefined) {
          hasRunning = true;
          readyContainers++;
        }
      }
      if (reason === 'Completed' && hasRunning) {
        reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
      }
    }
    const phase = str(status.phase);
    if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
    else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed')
      reason = 'Terminating';
    const gates = list(spec.readinessGates).map(record);
    let gateCell = '<none>';
    if (gates.length > 0) {
      const trueGates = gates.filter((gate) =>
        conditions.some((c) => c.type === gate.conditionType && c.status === 'True'),
      ).length;
      gateCell = `${trueGates}/${gates.length}`;
    }
    return [
      pod.metadata.name ?? '',
      `${readyContainers}/${totalContainers}`,
      reason,
      restarts,
      ageOf(pod.metadata.creationTimestamp, now),
      str(status.podIP, '<none>'),
      str(spec.nodeName, '<none>'),
      str(status.nominatedNodeName, '<none>'),
      gateCell,
    ];
  },
};

export const namespacePrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Status', 'string', 'The status of the namespace'), AGE_COLUMN],
  cells: (ns, now) => [
    ns.metadata.name ?? '',
    str(record(ns.status).phase),
    ageOf(ns.metadata.creationTimestamp, now),
  ],
};

function servicePorts(ports: unknown): string {
  const parts = list(ports)
    .map(record)
    .map((port) => {
      const protocol = str(port.protocol, 'TCP');
      return port.nodePort
        ? `${num(port.port)}:${num(port.nodePort)}/${protocol}`
        : `${num(port.port)}/${protocol}`;
    });
  return parts.length === 0 ? '<none>' : parts.join(',');
}

function externalIps(service: KubeObject): string {
  const spec = record(service.spec);
  const external = list(spec.externalIPs).map(String);
  const type = str(spec.type, 'ClusterIP');
  if (type === 'ExternalName') return str(spec.externalName);
  if (type === 'LoadBalancer') {
    const ingress = list(record(record(service.status).loadBalancer).ingress)
      .map(record)
      .map((entry) => str(entry.ip, str(entry.hostname)))
      .filter(Boolean);
    const all = [...ingress, ...external];
    return all.length === 0 ? '<pending>' : all.join(',');
  }
  return external.length === 0 ? '<none>' : external.join(',');
}

export const servicePrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'The type of the service.'),
    column('Cluster-IP', 'string', 'The cluster IP of the service.'),
    column('External-IP', 'string', 'The external IP of the service.'),
    column('Port(s)', 'string', 'The ports of the service.'),
    AGE_COLUMN,
    column('Selector', 'string', 'The selector of the service.', 1),
  ],
  cells(service, now) {
    const spec = record(service.spec);
    const selector = Object.entries(record(spec.selector))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${String(v)}`);
    return [
      service.metadata.name ?? '',
      str(spec.type, 'ClusterIP'),
      str(spec.clusterIP, '<none>'),
      externalIps(service),
      servicePorts(spec.ports),
      ageOf(service.metadata.creationTimestamp, now),
      selector.length === 0 ? '<none>' : selector.join(','),
    ];
  },
};

export const configMapPrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Data', 'string', 'The number of data entries'), AGE_COLUMN],
  cells: (cm, now) => [
    cm.metadata.name ?? '',
    Object.keys(record(cm.data)).length + Object.keys(record(cm.binaryData)).length,
    ageOf(cm.metadata.creationTimestamp, now),
  ],
};

/** coordination.k8s.io Leases (kubelet heartbeats, leader election, bosun's node locks): who holds each. */
export const leasePrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column(
      'Holder',
      'string',
      'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.',
    ),
    AGE_COLUMN,
  ],
  cells: (lease, now) => [
    lease.metadata.name ?? '',
    str(record(lease.spec).holderIdentity),
    ageOf(lease.metadata.creationTimestamp, now),
  ],
};

export const secretPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'The type of the secret'),
    column('Data', 'string', 'The number of data entries'),
    AGE_COLUMN,
  ],
  cells: (secret, now) => [
    secret.metadata.name ?? '',
    str(secret.type, 'Opaque'),
    Object.keys(record(secret.data)).length,
    ageOf(secret.metadata.creationTimestamp, now),
  ],
};

export const serviceAccountPrinter: KindPrinter = {
  columns: [NAME_COLUMN, column('Secrets', 'string', 'The number of secrets'), AGE_COLUMN],
  cells: (sa, now) => [
    sa.metadata.name ?? '',
    list(sa.secrets).length,
    ageOf(sa.metadata.creationTimestamp, now),
  ],
};

export const eventPrinter: KindPrinter = {
  columns: [
    column('Last Seen', 'string', 'The time the event was last seen'),
    column('Type', 'string', 'The type of the event'),
    column('Reason', 'string', 'The reason of the event'),
    column('Object', 'string', 'The object the event is about'),
    column('Subobject', 'string', 'The subobject the event is about', 1),
    column('Source', 'string', 'The source of the event', 1),
    column('Message', 'string', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'string', 'The time the event was first seen', 1),
    column('Count', 'string', 'The number of times the event has occurred', 1),
    column('Name', 'string', 'The name of the event', 1, 'name'),
  ],
  cells(event, now) {
    const involved = record(event.involvedObject);
    const source = record(event.source);
    const last = event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
    const first = event.firstTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
    return [
      ageOf(last, now),
      str(event.type),
      str(event.reason),
      `${str(involved.kind).toLowerCase()}/${str(involved.name)}`,
      str(involved.fieldPath),
      [str(source.component, str(event.reportingComponent)), str(source.host)].filter(Boolean).join(', '),
      str(event.message),
      ageOf(first, now),
      num(event.count) || 1,
      event.metadata.name ?? '',
    ];
  },
};

/** What the API server prints for kinds without their own printer: Name and Age. */
export const defaultPrinter: KindPrinter = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (object, now) => [object.metadata.name ?? '', ageOf(object.metadata.creationTimestamp, now)],
};
