import type { KubeObject, ResourceInfo, StatusCause } from '../types.js';
import { isJsonObject } from './json-value.js';
import { invalid } from './status-errors.js';

type Cause = Required<StatusCause>;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kinds whose names must be DNS-1123 labels rather than subdomains. */
const LABEL_NAMED = new Set(['namespaces', 'services']);

/**
 * Kinds whose names need only be a valid path segment: an APIService is `v1.` for the core group, and RBAC's
 * objects are named `system:controller:…` (ValidateRBACName is path.IsValidPathSegmentName).
 */
const PATH_SEGMENT_NAMED = new Set([
  'apiregistration.k8s.io/apiservices',
  'rbac.authorization.k8s.io/roles',
  'rbac.authorization.k8s.io/rolebindings',
  'rbac.authorization.k8s.io/clusterroles',
  'rbac.authorization.k8s.io/clusterrolebindings',
]);

function required(field: string): Cause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

/**
 * The few validations the simulator enforces with the real messages: names, pod containers, workload
 * selectors and templates. Everything else is accepted as sent.
 */
export function validateObject(info: ResourceInfo, object: KubeObject): void {
  const causes: Cause[] = [];
  const name = object.metadata.name ?? '';
  if (name === '') {
    causes.push({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  } else if (
    !info.custom &&
    !(info.resource === 'events' && (info.group === '' || info.group === 'events.k8s.io')) &&
    !PATH_SEGMENT_NAMED.has(`${info.group}/${info.resource}`)
  ) {
    const label = LABEL_NAMED.has(info.resource) && info.group === '';
    const pattern = label ? DNS_LABEL : DNS_SUBDOMAIN;
    const limit = label ? 63 : 253;
    if (!pattern.test(name) || name.length > limit) {
      const what = label ? 'RFC 1123 label' : 'RFC 1123 subdomain';
      const example = label ? "'my-name',  or '123-abc'" : "'example.com'";
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${name}": a lowercase ${what} must consist of lower case alphanumeric characters, '-'${label ? '' : " or '.'"}, and must start and end with an alphanumeric character (e.g. ${example})`,
        field: 'metadata.name',
      });
    }
  }
  validateLabels(object.metadata.labels, causes);
  const spec = object.spec;
  if (info.group === '' && info.resource === 'pods') {
    validatePodSpec(spec, 'spec', causes);
  }
  const workload =
    (info.group === 'apps' &&
      ['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(info.resource)) ||
    (info.group === 'batch' && info.resource === 'jobs');
  if (workload) {
    if (!isJsonObject(spec)) {
      causes.push(required('spec'));
    } else {
      if (info.group === 'apps' && !isJsonObject(spec.selector)) causes.push(required('spec.selector'));
      const template = isJsonObject(spec.template) ? spec.template : undefined;
      if (!template) causes.push(required('spec.template'));
      else validatePodSpec(template.spec, 'spec.template.spec', causes);
      if (info.group === 'apps' && isJsonObject(spec.selector) && template) {
        const matchLabels = isJsonObject(spec.selector.matchLabels) ? spec.selector.matchLabels : {};
        const templateMeta = isJsonObject(template.metadata) ? template.metadata : {};
        const labels = isJsonObject(templateMeta.labels) ? templateMeta.labels : {};
        const mismatched = Object.entries(matchLabels).some(([key, value]) => labels[key] !== value);
        if (mismatched) {
          causes.push({
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
            field: 'spec.template.metadata.labels',
          });
        }
      }
    }
  }
  if (causes.length > 0) throw invalid(info.kind, info.group, name, causes);
}

const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function validateLabels(labels: Record<string, string> | undefined, causes: Cause[]): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const namePart = key.split('/').pop() ?? '';
    if (!QUALIFIED_NAME.test(key) || namePart.length > 63 || key.length - namePart.length > 254) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        field: 'metadata.labels',
      });
    }
    if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) {
      causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${String(value)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        field: 'metadata.labels',
      });
    }
  }
}

function validatePodSpec(spec: unknown, path: string, causes: Cause[]): void {
  if (!isJsonObject(spec)) {
    causes.push(required(`${path}.containers`));
    return;
  }
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(required(`${path}.containers`));
    return;
  }
  containers.forEach((container, index) => {
    const here = `${path}.containers[${index}]`;
    if (!isJsonObject(container) || typeof container.name !== 'string' || container.name === '') {
      causes.push(required(`${here}.name`));
    }
    if (!isJsonObject(container) || typeof container.image !== 'string' || container.image === '') {
      causes.push(required(`${here}.image`));
    }
  });
}
