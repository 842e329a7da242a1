import type { KubeObject, ResourceInfo, StatusCause } from '../types.js';
import { deepEqual, isJsonObject } from './json-value.js';
import { goStrings } from './service-allocator.js';
import { invalid } from './status-errors.js';

type Cause = Required<StatusCause>;

const FIELD_IMMUTABLE = 'field is immutable';
const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

/**
 * The update validations that refuse changing a field once set, with the real messages:
 * apps workloads' and Jobs' `spec.selector`, a Job's `spec.template`, a Service's `spec.clusterIPs`
 * (ValidateServiceUpdate → validateUpgradeDowngradeClusterIPs), a ConfigMap's and Secret's data once
 * `immutable: true` (ValidateConfigMapUpdate, ValidateSecretUpdate) and a Secret's `type`.
 */
export function validateImmutableFields(info: ResourceInfo, before: KubeObject, after: KubeObject): void {
  const causes: Cause[] = [];
  const was = isJsonObject(before.spec) ? before.spec : {};
  const now = isJsonObject(after.spec) ? after.spec : {};
  if (info.group === 'apps' && info.resource !== 'controllerrevisions') {
    if (!deepEqual(was.selector, now.selector))
      causes.push(immutable('spec.selector', goLabelSelector(now.selector)));
  }
  if (info.group === 'batch' && info.resource === 'jobs') {
    if (!deepEqual(was.selector, now.selector))
      causes.push(immutable('spec.selector', goLabelSelector(now.selector)));
    if (!deepEqual(was.template, now.template))
      causes.push(immutable('spec.template', `core.PodTemplateSpec${JSON.stringify(now.template ?? {})}`));
  }
  if (info.group === '' && info.resource === 'services') serviceCauses(was, now, causes);
  if (info.group === '' && (info.resource === 'configmaps' || info.resource === 'secrets')) {
    if (info.resource === 'secrets' && (before.type ?? 'Opaque') !== (after.type ?? 'Opaque'))
      causes.push(immutable('type', JSON.stringify(String(after.type ?? ''))));
    if (before.immutable === true) {
      if (after.immutable !== true) causes.push(forbidden('immutable'));
      if (!deepEqual(before.data ?? {}, after.data ?? {})) causes.push(forbidden('data'));
      if (info.resource === 'configmaps' && !deepEqual(before.binaryData ?? {}, after.binaryData ?? {}))
        causes.push(forbidden('binaryData'));
    }
  }
  if (causes.length > 0) throw invalid(info.kind, info.group, after.metadata.name ?? '', causes);
}

function serviceCauses(was: Record<string, unknown>, now: Record<string, unknown>, causes: Cause[]): void {
  if (was.type === 'ExternalName' || now.type === 'ExternalName') return;
  const oldIps = Array.isArray(was.clusterIPs) ? was.clusterIPs.map(String) : [];
  const newIps = Array.isArray(now.clusterIPs) ? now.clusterIPs.map(String) : [];
  const headless = (ips: string[]) => ips.length === 1 && ips[0] === 'None';
  if (headless(oldIps) && headless(newIps)) return;
  const changed = (message: string) =>
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${goStrings(newIps)}: ${message}`,
      field: 'spec.clusterIPs[0]',
    });
  if (oldIps.length === newIps.length) {
    oldIps.forEach((ip, i) => {
      if (ip !== newIps[i]) changed('may not change once set');
    });
  } else if (oldIps.length > newIps.length) {
    if (newIps.length === 0) changed('primary clusterIP can not be unset');
    else if (newIps[0] !== oldIps[0]) changed('may not change once set');
  } else if (oldIps.length > 0 && newIps[0] !== oldIps[0]) {
    changed('may not change once set');
  }
}

function immutable(field: string, value: string): Cause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${FIELD_IMMUTABLE}`, field };
}

function forbidden(field: string): Cause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${IMMUTABLE_WHEN_SET}`, field };
}

/** Go's `%#v` of a `metav1.LabelSelector` (what field.Invalid prints for a dereferenced *LabelSelector). */
export function goLabelSelector(selector: unknown): string {
  if (!isJsonObject(selector)) return 'null';
  const labels = isJsonObject(selector.matchLabels) ? selector.matchLabels : undefined;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : undefined;
  const matchLabels = labels
    ? `map[string]string{${Object.keys(labels)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${JSON.stringify(String(labels[key]))}`)
        .join(', ')}}`
    : 'map[string]string(nil)';
  const matchExpressions = expressions
    ? `[]v1.LabelSelectorRequirement{${expressions
        .map((e) => {
          const r = isJsonObject(e) ? e : {};
          const values = Array.isArray(r.values) ? goStrings(r.values) : '[]string(nil)';
          return `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(r.key ?? ''))}, Operator:${JSON.stringify(String(r.operator ?? ''))}, Values:${values}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${matchLabels}, MatchExpressions:${matchExpressions}}`;
}
