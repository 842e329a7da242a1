import type { KubeObject } from '../ports/cluster-resources.js';
import { resourceKey } from './artifact-path.js';

/** Set by the API server on every object; a create must not carry them. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
] as const;

/** Written by the volume controllers when they bind; a restored claim or volume binds again. */
const BINDING_ANNOTATIONS = [
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
  'pv.kubernetes.io/provisioned-by',
  'volume.beta.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/selected-node',
];

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The object as a backup keeps it: what the API server filled in is gone (status, uid, resourceVersion,
 * generation, managedFields, timestamps, a Service's allocated IPs and auto-assigned node ports, a volume's
 * claim binding, a pod's node), so that it can be created again on any cluster. ownerReferences stay: a restore
 * reads them to leave owned objects to their owners, and drops them from what it creates.
 */
export function cleanForBackup(
  resource: { resource: string; group: string },
  object: KubeObject,
): KubeObject {
  const copy = structuredClone(object) as Json;
  delete copy.status;
  const metadata = isObject(copy.metadata) ? copy.metadata : {};
  for (const field of SERVER_METADATA) delete metadata[field];
  if (Object.keys(metadata).includes('generateName') && metadata.name) delete metadata.generateName;
  const annotations = isObject(metadata.annotations) ? metadata.annotations : undefined;
  const spec = isObject(copy.spec) ? copy.spec : undefined;
  switch (resourceKey(resource)) {
    case 'services':
      if (spec) cleanService(spec, annotations);
      break;
    case 'persistentvolumes':
      if (spec && isObject(spec.claimRef)) {
        delete spec.claimRef.uid;
        delete spec.claimRef.resourceVersion;
      }
      dropAnnotations(metadata, BINDING_ANNOTATIONS);
      break;
    case 'persistentvolumeclaims':
      dropAnnotations(metadata, BINDING_ANNOTATIONS);
      break;
    case 'pods':
      if (spec) delete spec.nodeName;
      break;
  }
  return copy as KubeObject;
}

function dropAnnotations(metadata: Json, names: readonly string[]): void {
  if (!isObject(metadata.annotations)) return;
  for (const name of names) delete metadata.annotations[name];
  if (Object.keys(metadata.annotations).length === 0) delete metadata.annotations;
}

/** A Service's cluster IPs are allocated again on restore (unless headless); node ports only when someone chose them. */
function cleanService(spec: Json, annotations: Json | undefined): void {
  if (spec.clusterIP !== 'None') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  const chosen = chosenNodePorts(annotations);
  if (Array.isArray(spec.ports)) {
    for (const port of spec.ports) {
      if (isObject(port) && typeof port.nodePort === 'number' && !chosen.has(port.nodePort))
        delete port.nodePort;
    }
  }
  if (typeof spec.healthCheckNodePort === 'number' && !chosen.has(spec.healthCheckNodePort)) {
    delete spec.healthCheckNodePort;
  }
}

/** The node ports written in `kubectl apply`'s last-applied configuration: chosen by a person, kept. */
function chosenNodePorts(annotations: Json | undefined): Set<number> {
  const ports = new Set<number>();
  const text = annotations?.[LAST_APPLIED];
  if (typeof text !== 'string') return ports;
  try {
    const applied = JSON.parse(text) as {
      spec?: { ports?: { nodePort?: unknown }[]; healthCheckNodePort?: unknown };
    };
    for (const port of applied.spec?.ports ?? [])
      if (typeof port.nodePort === 'number') ports.add(port.nodePort);
    if (typeof applied.spec?.healthCheckNodePort === 'number') ports.add(applied.spec.healthCheckNodePort);
  } catch {
    // not JSON: nothing was chosen that we can tell
  }
  return ports;
}

/** Whether a controller owns the object (its owner recreates it; a restore leaves it out). */
export function isControlled(object: KubeObject): boolean {
  const refs = object.metadata?.ownerReferences;
  return Array.isArray(refs) && refs.some((ref) => isObject(ref) && ref.controller === true);
}
