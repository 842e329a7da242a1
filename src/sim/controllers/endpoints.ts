import { type KubeObject, StatusError } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { objectKey } from './informer.js';
import { controllerRefTo } from './owner-references.js';
import { isFinished, isPodReady, isTerminating } from './pods.js';
import { resources } from './resources.js';
import { WorkQueue } from './work-queue.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

interface ResolvedPort {
  name?: string;
  port: number;
  protocol: string;
}

function servicePorts(service: KubeObject): ServicePort[] {
  return Array.isArray(service.spec?.ports) ? (service.spec.ports as ServicePort[]) : [];
}

/** podutil.FindPort: a number is the port; a name is looked up among the pod's container ports. */
function resolvePorts(service: KubeObject, pod: KubeObject): ResolvedPort[] {
  const resolved: ResolvedPort[] = [];
  for (const port of servicePorts(service)) {
    const protocol = port.protocol ?? 'TCP';
    const target = port.targetPort ?? port.port;
    let number: number | undefined = typeof target === 'number' ? target : Number(target);
    if (!Number.isInteger(number)) {
      number = undefined;
      const containers = Array.isArray(pod.spec?.containers) ? pod.spec.containers : [];
      for (const container of containers as Array<{ ports?: Array<Record<string, unknown>> }>) {
        const found = (container.ports ?? []).find(
          (p) => p.name === target && (p.protocol ?? 'TCP') === protocol,
        );
        if (found) number = Number(found.containerPort);
      }
    }
    if (number !== undefined)
      resolved.push({ ...(port.name ? { name: port.name } : {}), port: number, protocol });
  }
  return resolved;
}

function selects(service: KubeObject, pod: KubeObject): boolean {
  const selector = service.spec?.selector as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) return false;
  const labels = pod.metadata.labels ?? {};
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function targetRef(pod: KubeObject) {
  return {
    kind: 'Pod',
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The endpoints and endpointslice controllers for Services with a selector: `Endpoints <svc>` (subsets of
 * ready `addresses` and `notReadyAddresses`, by resolved ports) and one EndpointSlice `<svc>-xxxxx` owned by
 * the Service (`ready`/`serving`/`terminating` conditions), from the pods the selector matches that have an
 * IP and have not finished. Terminating pods leave Endpoints and show `terminating` in the slice.
 * Services without a selector (`kubernetes`) are left to whoever writes their endpoints.
 */
export function startEndpointsController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const services = informers.for(resources.services);
  const pods = informers.for(resources.pods);
  const endpoints = informers.for(resources.endpoints);
  const slices = informers.for(resources.endpointSlices);

  const sliceOf = (namespace: string, name: string) =>
    slices
      .inNamespace(namespace)
      .find(
        (s) =>
          s.metadata.labels?.[SERVICE_NAME_LABEL] === name &&
          s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY,
      );

  const reconcile = async (key: string) => {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const service = services.get(namespace, name);
    if (!service?.spec?.selector || Object.keys(service.spec.selector).length === 0) return;
    const members = pods
      .inNamespace(namespace)
      .filter((pod) => selects(service, pod) && pod.status?.podIP && !isFinished(pod))
      .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));

    // Endpoints: subsets grouped by the ports each pod resolves to.
    const subsets = new Map<
      string,
      { addresses: unknown[]; notReadyAddresses: unknown[]; ports: ResolvedPort[] }
    >();
    for (const pod of members) {
      if (isTerminating(pod)) continue;
      const ports = resolvePorts(service, pod);
      const signature = JSON.stringify(ports);
      let subset = subsets.get(signature);
      if (!subset) {
        subset = { addresses: [], notReadyAddresses: [], ports };
        subsets.set(signature, subset);
      }
      const address = { ip: pod.status?.podIP, nodeName: pod.spec?.nodeName, targetRef: targetRef(pod) };
      (isPodReady(pod) ? subset.addresses : subset.notReadyAddresses).push(address);
    }
    const subsetList = [...subsets.values()].map((s) => ({
      ...(s.addresses.length > 0 ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length > 0 ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ...(s.ports.length > 0 ? { ports: s.ports } : {}),
    }));
    const labels = { ...service.metadata.labels };
    const current = endpoints.get(namespace, name);
    const wanted: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, ...(Object.keys(labels).length > 0 ? { labels } : {}) },
      ...(subsetList.length > 0 ? { subsets: subsetList } : {}),
    };
    if (!current) {
      endpoints.observe(await registry.create(resources.endpoints, namespace, wanted));
    } else if (
      !sameJson(current.subsets, wanted.subsets) ||
      !sameJson(current.metadata.labels, wanted.metadata.labels)
    ) {
      const next: KubeObject = {
        ...current,
        metadata: { ...current.metadata, labels: wanted.metadata.labels },
      };
      if (wanted.subsets) next.subsets = wanted.subsets;
      else delete next.subsets;
      endpoints.observe(await registry.update(resources.endpoints, namespace, next));
    }

    // EndpointSlice: one per Service, every member with its conditions.
    const first = members[0];
    const slicePorts = first ? resolvePorts(service, first) : [];
    const sliceEndpoints = members.map((pod) => {
      const ready = isPodReady(pod);
      const terminating = isTerminating(pod);
      return {
        addresses: [pod.status?.podIP],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        nodeName: pod.spec?.nodeName,
        targetRef: targetRef(pod),
      };
    });
    const sliceLabels = {
      ...service.metadata.labels,
      [MANAGED_BY_LABEL]: MANAGED_BY,
      [SERVICE_NAME_LABEL]: name,
    };
    const slice = sliceOf(namespace, name);
    if (!slice) {
      slices.observe(
        await registry.create(resources.endpointSlices, namespace, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            generateName: `${name}-`,
            namespace,
            labels: sliceLabels,
            ownerReferences: [controllerRefTo(service)],
          },
          addressType: 'IPv4',
          endpoints: sliceEndpoints,
          ports: slicePorts,
        }),
      );
    } else if (
      !sameJson(slice.endpoints ?? [], sliceEndpoints) ||
      !sameJson(slice.ports ?? [], slicePorts) ||
      !sameJson(slice.metadata.labels, sliceLabels)
    ) {
      slices.observe(
        await registry.update(resources.endpointSlices, namespace, {
          ...slice,
          metadata: { ...slice.metadata, labels: sliceLabels },
          endpoints: sliceEndpoints,
          ports: slicePorts,
        }),
      );
    }
  };

  const queue = new WorkQueue(
    'endpoints',
    async (key) => {
      try {
        await reconcile(key);
      } catch (error) {
        // The namespace is going away: its endpoints go with it.
        if (error instanceof StatusError && error.code === 403) return;
        throw error;
      }
    },
    clock,
    context.log,
  );
  const subscriptions = [
    services.on((type, service) => {
      if (type !== 'DELETED') queue.add(objectKey(service));
    }),
    pods.on((_type, pod) => {
      for (const service of services.inNamespace(pod.metadata.namespace)) {
        if (selects(service, pod)) queue.add(objectKey(service));
      }
    }),
  ];
  return {
    name: 'endpoints',
    start() {
      for (const service of services.list()) queue.add(objectKey(service));
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
