import type { KubeObject, ResourceRef } from '../types.js';
import { isJsonObject, type JsonObject } from './json-value.js';
import { forbidden } from './status-errors.js';

const PODS: ResourceRef = { group: '', resource: 'pods' };
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** plugin/pkg/admission/serviceaccount/admission.go: DefaultServiceAccountName, ServiceAccountVolumeName. */
const DEFAULT_SERVICE_ACCOUNT = 'default';
const VOLUME_PREFIX = 'kube-api-access-';
const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: one hour and seven seconds. */
const TOKEN_EXPIRATION_SECONDS = 3607;
/** How often the plugin looks up `default` before giving up (the controller may be about to create it). */
const DEFAULT_ATTEMPTS = 10;
const RETRY_INTERVAL_MS = 100;

export interface ServiceAccountLookup {
  /** The ServiceAccount `namespace/name`, or undefined when there is none. */
  get(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** The API server's 5-character name suffix (names.SimpleNameGenerator). */
  suffix(): string;
}

/** TokenVolumeSource(): the projected token, the cluster CA and the namespace, mode 0644. */
function tokenVolume(name: string): JsonObject {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

/** mountServiceAccountToken: every (init) container mounts the kube-api-access volume read-only. */
function mountToken(spec: JsonObject, suffix: () => string): void {
  const volumes = objects(spec.volumes);
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(VOLUME_PREFIX));
  const volumeName = typeof existing?.name === 'string' ? existing.name : `${VOLUME_PREFIX}${suffix()}`;
  let needsVolume = false;
  for (const field of ['initContainers', 'containers']) {
    for (const container of objects(spec[field])) {
      const mounts = objects(container.volumeMounts);
      if (mounts.some((m) => m.mountPath === TOKEN_MOUNT_PATH)) continue;
      container.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
      needsVolume = true;
    }
  }
  if (!existing && needsVolume) spec.volumes = [...volumes, tokenVolume(volumeName)];
}

function forbid(displayName: string, why: string) {
  return forbidden(PODS, displayName, why);
}

/**
 * The ServiceAccount admission plugin on pod create (plugin/pkg/admission/serviceaccount/admission.go): a pod
 * naming no service account gets `default`; the account must exist (`default` is looked up a few times, as
 * the plugin does, since the controller creates it with the namespace); unless `automountServiceAccountToken`
 * says no, every container mounts the projected `kube-api-access-xxxxx` volume; the account's
 * imagePullSecrets are copied when the pod has none. Mirror pods are left alone but may not name an account.
 *
 * `displayName` is the name or, before name generation, the generateName (admission.NewForbidden).
 */
export async function admitPodServiceAccount(
  pod: KubeObject,
  displayName: string,
  lookup: ServiceAccountLookup,
): Promise<void> {
  const namespace = pod.metadata.namespace ?? '';
  const spec = isJsonObject(pod.spec) ? pod.spec : {};
  pod.spec = spec;
  if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) {
    if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '')
      throw forbid(displayName, 'a mirror pod may not reference service accounts');
    return;
  }
  const named = spec.serviceAccountName;
  const name = typeof named === 'string' && named !== '' ? named : DEFAULT_SERVICE_ACCOUNT;
  spec.serviceAccountName = name;
  const attempts = name === DEFAULT_SERVICE_ACCOUNT ? DEFAULT_ATTEMPTS : 1;
  let account: KubeObject | undefined;
  for (let attempt = 0; attempt < attempts && !account; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS));
    account = await lookup.get(namespace, name);
  }
  if (!account) {
    throw forbid(
      displayName,
      `error looking up service account ${namespace}/${name}: serviceaccount "${name}" not found`,
    );
  }
  const automount =
    typeof spec.automountServiceAccountToken === 'boolean'
      ? spec.automountServiceAccountToken
      : typeof account.automountServiceAccountToken === 'boolean'
        ? account.automountServiceAccountToken
        : true;
  if (automount) mountToken(spec, () => lookup.suffix());
  const pullSecrets = objects(account.imagePullSecrets);
  if (objects(spec.imagePullSecrets).length === 0 && pullSecrets.length > 0) {
    spec.imagePullSecrets = pullSecrets.map((s) => ({ name: s.name }));
  }
}
