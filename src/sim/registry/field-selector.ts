import type { KubeObject } from '../types.js';
import { badRequest } from './status-errors.js';

interface FieldRequirement {
  field: string;
  value: string;
  equal: boolean;
}

const COMMON = ['metadata.name', 'metadata.namespace'];

/** Field labels each resource accepts (`ToSelectableFields` / conversion funcs of 1.32); the rest get 400. */
const SELECTABLE: Readonly<Record<string, string[]>> = {
  pods: [
    ...COMMON,
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  nodes: [...COMMON, 'spec.unschedulable'],
  namespaces: [...COMMON, 'status.phase'],
  secrets: [...COMMON, 'type'],
  events: [
    ...COMMON,
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  replicasets: [...COMMON, 'status.replicas'],
  replicationcontrollers: [...COMMON, 'status.replicas'],
  jobs: [...COMMON, 'status.successful'],
  persistentvolumeclaims: [...COMMON],
  certificatesigningrequests: [...COMMON, 'spec.signerName'],
};

const ALIASES: Readonly<Record<string, string>> = { 'spec.host': 'spec.nodeName' };

/** A parsed `fieldSelector` for one resource: `=`, `==`, `!=`, comma-joined. */
export class FieldSelector {
  private constructor(private readonly requirements: FieldRequirement[]) {}

  static parse(text: string | undefined, resource: string): FieldSelector {
    const source = (text ?? '').trim();
    const requirements: FieldRequirement[] = [];
    if (source === '') return new FieldSelector(requirements);
    const allowed = SELECTABLE[resource] ?? COMMON;
    for (const part of source.split(',')) {
      const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
      if (!match) throw badRequest(`invalid selector: '${source}'; can't understand '${part}'`);
      const [, rawField = '', op, value = ''] = match;
      const field = ALIASES[rawField] ?? rawField;
      if (!allowed.includes(field)) throw badRequest(`field label not supported: ${rawField}`);
      requirements.push({ field, value, equal: op !== '!=' });
    }
    return new FieldSelector(requirements);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(object: KubeObject): boolean {
    return this.requirements.every((requirement) => {
      const actual = fieldValue(object, requirement.field);
      return requirement.equal ? actual === requirement.value : actual !== requirement.value;
    });
  }
}

function fieldValue(object: KubeObject, field: string): string {
  if (field === 'source') {
    const source = object.source as { component?: unknown } | undefined;
    return typeof source?.component === 'string' ? source.component : '';
  }
  if (field === 'status.podIPs') {
    const ips = object.status?.podIPs;
    return Array.isArray(ips) && ips[0] && typeof ips[0].ip === 'string' ? ips[0].ip : '';
  }
  let current: unknown = object;
  for (const segment of field.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) {
    // Booleans and numbers that are unset select as their zero value, as the Go conversion funcs do.
    if (field === 'spec.unschedulable' || field === 'spec.hostNetwork') return 'false';
    if (field === 'status.replicas' || field === 'status.successful') return '0';
    return '';
  }
  return typeof current === 'string' ? current : JSON.stringify(current);
}
