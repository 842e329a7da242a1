import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../shared/clock.js';
import { SUBRESOURCE_KINDS } from '../catalog/builtin-resources.js';
import { ResourceCatalog } from '../catalog/resource-catalog.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { ObjectStore, StoreChange, StoreEntry, StoreWatch } from '../store/object-store.js';
import {
  type DeleteOptions,
  type DeleteOutcome,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type PatchType,
  type Registry,
  type ResourceInfo,
  type ResourceRef,
  StatusError,
  type SubresourceHandler,
  type SubresourceRequest,
  type SubresourceResponse,
  type WatchEvent,
  type WatchHandle,
  type WatchOptions,
  type WriteOptions,
} from '../types.js';
import { builtinSubresourceHandlers } from './builtin-subresources.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { applyCustomSchema } from './custom-schema.js';
import { storageViewOf } from './event-conversion.js';
import { FieldSelector } from './field-selector.js';
import { validateImmutableFields } from './immutable-fields.js';
import { applyJsonPatch } from './json-patch.js';
import { deepClone, deepEqual, isJsonObject } from './json-value.js';
import { LabelSelector } from './label-selector.js';
import { checkDataLimits } from './limits.js';
import { type ManagedWrite, nextManagedFields } from './managed-fields.js';
import { applyMergePatch } from './merge-patch.js';
import { decodeMicroTimes } from './micro-time.js';
import { applyDefaults, generateJobSelector, podQosClass } from './object-defaults.js';
import { validateObject } from './object-validation.js';
import { rfc3339 } from './rfc3339.js';
import { admitPodServiceAccount } from './service-account-admission.js';
import { ServiceAllocator } from './service-allocator.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  resourceNotServed,
  UNSUPPORTED_PATCH_MESSAGE,
  unknownError,
  unsupportedMediaType,
} from './status-errors.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

export interface RegistryOptions {
  store?: ObjectStore;
  clock?: Clock;
  /** Randomness for generateName suffixes; tests pass a seeded one. */
  random?: () => number;
  /** The ServiceAccount admission plugin on pod create (service-account-admission.ts); off by default. */
  serviceAccountAdmission?: boolean;
}

const NAMESPACES: ResourceRef = { group: '', resource: 'namespaces' };
const CRDS: ResourceRef = { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' };
const SERVICES: ResourceRef = { group: '', resource: 'services' };
const SERVICE_ACCOUNTS: ResourceRef = { group: '', resource: 'serviceaccounts' };
const STORAGE_CLASSES: ResourceRef = { group: 'storage.k8s.io', resource: 'storageclasses' };
/** Held by a deleted CustomResourceDefinition until its custom objects are gone. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** How often a write retries a compare-and-swap that lost to a concurrent writer before answering 409. */
const CAS_ATTEMPTS = 8;

type UpdateKind = 'main' | 'status' | 'finalize';

/** Builds the in-process API server: catalog, store, metadata, admission, watch. */
export function createRegistry(options: RegistryOptions = {}): SimRegistry {
  return new SimRegistry(options);
}

/**
 * The simulator's API server behaviour behind one interface, shared by the HTTP layer and the controllers.
 * Objects are stored serialized without their resourceVersion; the store's modRevision is the resourceVersion.
 */
export class SimRegistry implements Registry {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly resources = new ResourceCatalog();
  private readonly random: () => number;
  private readonly subresourceHandlers = new Map<string, SubresourceHandler>();
  private readonly catalogListeners = new Set<() => void>();
  private readonly services: ServiceAllocator;
  /** Time to live of the objects of a stored resource (`group/resource`), as etcd leases give events. */
  private readonly ttls = new Map<string, number>();
  /** When each object with a time to live expires (clock ms), by storage key; renewed by every write. */
  private readonly expiries = new Map<string, number>();
  private readonly serviceAccountAdmission: boolean;

  constructor(options: RegistryOptions = {}) {
    this.store = options.store ?? createMemoryStore();
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.serviceAccountAdmission = options.serviceAccountAdmission ?? false;
    for (const [key, handler] of builtinSubresourceHandlers()) this.subresourceHandlers.set(key, handler);
    this.services = new ServiceAllocator(async () => {
      const range = await this.store.range(this.prefix(this.resolve(SERVICES), undefined));
      return range.entries.map(decode);
    }, this.random);
  }

  get catalog(): ReadonlyArray<ResourceInfo> {
    return this.resources.all;
  }

  resolve(ref: ResourceRef): ResourceInfo {
    const info = this.resources.find(ref);
    if (!info) throw resourceNotServed();
    return info;
  }

  onCatalogChange(listener: () => void): () => void {
    this.catalogListeners.add(listener);
    return () => this.catalogListeners.delete(listener);
  }

  async currentResourceVersion(): Promise<string> {
    return String(await this.store.revision());
  }

  async get(ref: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObject> {
    const info = this.resolve(ref);
    const entry = await this.store.get(this.key(info, namespace, name));
    if (!entry) throw notFound(info, name);
    return this.decodeFor(info, entry);
  }

  async list(ref: ResourceRef, options: ListOptions = {}): Promise<ListResult> {
    const info = this.resolve(ref);
    const labels = LabelSelector.parse(options.labelSelector);
    const fields = FieldSelector.parse(options.fieldSelector, info.resource);
    const prefix = this.prefix(info, options.namespace);
    let revision = await this.store.revision();
    let startAfter: string | undefined;
    if (options.continue) {
      const position = decodeContinue(options.continue);
      if (position.revision < (await this.store.compactedRevision())) {
        throw expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      revision = position.revision;
      startAfter = position.startAfter;
    }
    const range = await this.store.range(prefix, { startAfter });
    const limit = options.limit && options.limit > 0 ? options.limit : Number.POSITIVE_INFINITY;
    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let examined = 0;
    for (const entry of range.entries) {
      if (items.length >= limit) break;
      examined++;
      lastKey = entry.key;
      const object = decode(entry);
      if (labels.matches(object.metadata.labels) && fields.matches(object))
        items.push(this.fromStored(info, object));
    }
    const remaining = range.entries.length - examined;
    const result: ListResult = { items, resourceVersion: String(revision) };
    if (remaining > 0 && lastKey !== undefined) {
      result.continue = encodeContinue({ revision, startAfter: lastKey });
      if (labels.empty && fields.empty) result.remainingItemCount = remaining;
    }
    return result;
  }

  async create(
    ref: ResourceRef,
    namespace: string | undefined,
    input: KubeObject,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    return await this.createObject(ref, namespace, input, options, undefined);
  }

  /** `applied` is the configuration of a server-side apply that creates (its manager's entry is an Apply). */
  private async createObject(
    ref: ResourceRef,
    namespace: string | undefined,
    input: KubeObject,
    options: WriteOptions,
    applied: unknown,
  ): Promise<KubeObject> {
    const info = this.resolve(ref);
    const object = this.normalizeBody(info, namespace, input);
    if (object.metadata.resourceVersion)
      throw unknownError('resourceVersion should not be set on objects to be created');
    const requestedName = object.metadata.name || object.metadata.generateName || 'Unknown';
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = object.metadata.generateName + this.randomSuffix();
    }
    if (info.namespaced) await this.admitCreate(info, object.metadata.namespace, object.metadata.name ?? '');
    if (info.custom) await this.admitCustomCreate(info);
    await this.admitStorage(info, object);
    if (this.serviceAccountAdmission && info.group === '' && info.resource === 'pods') {
      await admitPodServiceAccount(object, requestedName, {
        get: async (ns, name) => {
          const entry = await this.store.get(this.key(this.resolve(SERVICE_ACCOUNTS), ns, name));
          return entry ? decode(entry) : undefined;
        },
        suffix: () => this.randomSuffix(),
      });
    }
    const now = this.clock.now();
    const metadata = object.metadata;
    metadata.uid = randomUUID();
    metadata.creationTimestamp = rfc3339(now);
    delete metadata.deletionTimestamp;
    delete metadata.deletionGracePeriodSeconds;
    delete metadata.managedFields;
    if (info.tracksGeneration) metadata.generation = 1;
    else delete metadata.generation;
    if (!info.keepsStatusOnCreate && !options.keepStatus) this.resetStatusForCreate(info, object);
    this.prepareKindOnCreate(info, object);
    decodeMicroTimes(info, object);
    applyDefaults(info, object);
    applyCustomSchema(info, object);
    validateObject(info, object);
    checkDataLimits(info, object);
    if (options.fieldManager) {
      const managedFields = nextManagedFields(info, undefined, object, {
        manager: options.fieldManager,
        operation: applied === undefined ? 'Update' : 'Apply',
        time: rfc3339(now),
        applied,
      });
      if (managedFields) metadata.managedFields = managedFields;
    }
    const service = isService(info);
    if (service) {
      await this.services.ready();
      this.services.allocate(object, options.dryRun === true);
    }
    const key = this.key(info, metadata.namespace, metadata.name ?? '');
    if (options.dryRun) {
      // The API server's dry-run storage still looks the key up: an existing object is AlreadyExists.
      if (await this.store.get(key)) throw alreadyExists(info, metadata.name ?? '');
      return object;
    }
    const result = await this.store.put(key, this.encodeFor(info, object), 0).catch((error: unknown) => {
      if (service) this.services.release(metadata.uid);
      throw error;
    });
    if (!result.ok) {
      if (service) this.services.release(metadata.uid);
      throw alreadyExists(info, metadata.name ?? '');
    }
    this.renewTtl(info, key);
    const created = this.decodeFor(info, result.entry);
    if (info.group === CRDS.group && info.resource === CRDS.resource) this.defineCustomResource(created);
    return created;
  }

  async update(
    ref: ResourceRef,
    namespace: string | undefined,
    input: KubeObject,
    options: WriteOptions & { subresource?: 'status' | 'finalize' } = {},
  ): Promise<KubeObject> {
    const info = this.resolve(ref);
    const incoming = this.normalizeBody(info, namespace, input);
    const name = incoming.metadata.name ?? '';
    if (!name) throw badRequest('name is required');
    const wantedVersion = incoming.metadata.resourceVersion;
    const kind: UpdateKind = options.subresource ?? 'main';
    if (isService(info)) await this.services.ready();
    return await this.writeWithRetry(
      info,
      incoming.metadata.namespace,
      name,
      wantedVersion,
      options,
      (current) =>
        this.prepareUpdate(
          info,
          current,
          incoming,
          kind,
          options.dryRun === true,
          this.writer(options, kind),
        ),
    );
  }

  async patch(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    options: WriteOptions & { subresource?: 'status' } = {},
  ): Promise<KubeObject> {
    const info = this.resolve(ref);
    if (type === 'strategic' && info.custom) throw unsupportedMediaType(UNSUPPORTED_PATCH_MESSAGE);
    if (type !== 'json' && !isJsonObject(body)) {
      throw badRequest(
        `json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type map[string]interface {}`,
      );
    }
    const bodyVersion =
      isJsonObject(body) && isJsonObject(body.metadata) && typeof body.metadata.resourceVersion === 'string'
        ? body.metadata.resourceVersion
        : undefined;
    const kind: UpdateKind = options.subresource ?? 'main';
    const key = this.key(info, namespace, name);
    if (isService(info)) await this.services.ready();
    if (type === 'apply' && !(await this.store.get(key))) {
      // Server-side apply of something new creates it (kubectl apply --server-side).
      const object = deepClone(body) as KubeObject;
      object.metadata = { ...(isJsonObject(object.metadata) ? object.metadata : {}), name };
      return await this.createObject(info, namespace, object, options, body);
    }
    return await this.writeWithRetry(info, namespace, name, bodyVersion, options, (current) => {
      const original = deepClone(current);
      let patched: unknown;
      if (type === 'json') patched = applyJsonPatch(original, body, info.kind, name);
      else if (type === 'strategic') patched = applyStrategicMergePatch(original, body);
      else patched = applyMergePatch(original, body);
      if (!isJsonObject(patched) || !isJsonObject(patched.metadata)) {
        throw invalid(info.kind, info.group, name, [
          { reason: 'FieldValueRequired', message: 'Required value', field: 'metadata' },
        ]);
      }
      const next = patched as KubeObject;
      next.metadata.resourceVersion = undefined;
      next.metadata.name = name;
      if (info.namespaced) next.metadata.namespace = namespace;
      return this.prepareUpdate(
        info,
        current,
        next,
        kind,
        options.dryRun === true,
        this.writer(options, kind, type === 'apply' ? body : undefined),
      );
    });
  }

  async delete(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<KubeObject> {
    return (await this.deleteWithOutcome(ref, namespace, name, options)).object;
  }

  async deleteWithOutcome(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): Promise<DeleteOutcome> {
    const info = this.resolve(ref);
    const key = this.key(info, namespace, name);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const entry = await this.store.get(key);
      if (!entry) throw notFound(info, name);
      const current = this.decodeFor(info, entry);
      this.checkPreconditions(info, current, options);
      const plan = this.planDeletion(info, current, options);
      if (plan.kind === 'unchanged') return { object: current, removed: false };
      if (options.dryRun) return { object: plan.object, removed: plan.kind === 'remove' };
      if (plan.kind === 'remove') {
        const result = await this.store.delete(key, entry.modRevision);
        if (!result.ok) continue;
        this.expiries.delete(key);
        await this.afterRemoval(info, current);
        return {
          object: {
            ...plan.object,
            metadata: { ...plan.object.metadata, resourceVersion: String(result.entry.modRevision) },
          },
          removed: true,
        };
      }
      const result = await this.store.put(key, this.encodeFor(info, plan.object), entry.modRevision);
      if (!result.ok) continue;
      this.renewTtl(info, key);
      return { object: this.decodeFor(info, result.entry), removed: false };
    }
    throw conflict(info, name, OPTIMISTIC_LOCK_MESSAGE);
  }

  async deleteCollection(ref: ResourceRef, options: ListOptions & DeleteOptions): Promise<KubeObject[]> {
    const info = this.resolve(ref);
    const { items } = await this.list(info, { ...options, limit: undefined, continue: undefined });
    const deleted: KubeObject[] = [];
    for (const item of items) {
      try {
        deleted.push(await this.delete(info, item.metadata.namespace, item.metadata.name ?? '', options));
      } catch (error) {
        if (!(error instanceof StatusError && error.code === 404)) throw error;
      }
    }
    return deleted;
  }

  watch(
    ref: ResourceRef,
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
    onEnd?: (error?: StatusError) => void,
  ): WatchHandle {
    const info = this.resolve(ref);
    const labels = LabelSelector.parse(options.labelSelector);
    const fields = FieldSelector.parse(options.fieldSelector, info.resource);
    const prefix = this.prefix(info, options.namespace);
    const fromVersion = options.resourceVersion;
    if (fromVersion !== undefined && fromVersion !== '' && !/^\d+$/.test(fromVersion)) {
      throw badRequest(`invalid resource version: ${fromVersion}`);
    }
    const unfiltered = labels.empty && fields.empty;
    const matches = (object: KubeObject) =>
      unfiltered || (labels.matches(object.metadata.labels) && fields.matches(object));
    let stopped = false;
    let storeWatch: StoreWatch | undefined;
    let startRevision = 0;
    const onChange = (change: StoreChange) => {
      if (stopped) return;
      const event = toWatchEvent(change, matches, unfiltered);
      if (event) onEvent({ type: event.type, object: this.fromStored(info, event.object) });
    };
    const onExpired = (compacted: number) => {
      if (stopped) return;
      stopped = true;
      onEnd?.(expired(`too old resource version: ${startRevision} (${compacted + 1})`));
    };
    const start = async () => {
      if (fromVersion === undefined || fromVersion === '' || fromVersion === '0') {
        const range = await this.store.range(prefix);
        if (stopped) return;
        startRevision = range.revision;
        for (const entry of range.entries) {
          const object = decode(entry);
          if (!stopped && matches(object)) onEvent({ type: 'ADDED', object: this.fromStored(info, object) });
        }
      } else {
        startRevision = Number(fromVersion);
      }
      if (stopped) return;
      storeWatch = this.store.watch(prefix, startRevision, onChange, onExpired);
    };
    start().catch((error: unknown) => {
      if (stopped) return;
      stopped = true;
      onEnd?.(error instanceof StatusError ? error : unknownError(String(error)));
    });
    return {
      // An explicit stop is the caller's own doing: onEnd is not called for it.
      stop: () => {
        if (stopped) return;
        stopped = true;
        storeWatch?.cancel();
      },
      bookmark: () => String(storeWatch ? storeWatch.progressRevision() : startRevision),
    };
  }

  setSubresourceHandler(
    resource: ResourceRef | string,
    subresource: string,
    handler: SubresourceHandler,
  ): void {
    const ref = typeof resource === 'string' ? { group: '', resource } : resource;
    this.subresourceHandlers.set(subresourceKey(ref, subresource), handler);
  }

  async invokeSubresource(request: SubresourceRequest): Promise<SubresourceResponse> {
    const info = this.resolve(request.ref);
    const handler =
      this.subresourceHandlers.get(subresourceKey(info, request.subresource)) ??
      (info.subresources?.includes('scale') && request.subresource === 'scale'
        ? this.subresourceHandlers.get(subresourceKey({ group: '*', resource: '*' }, 'scale'))
        : undefined);
    if (!handler || !(info.subresources ?? []).includes(request.subresource)) throw resourceNotServed();
    const verbs = SUBRESOURCE_KINDS[request.subresource]?.verbs ?? [];
    if (!verbs.includes(request.verb)) {
      throw methodNotAllowed('the server does not allow this method on the requested resource');
    }
    if (request.verb === 'create' && info.namespaced) {
      await this.admitCreate(info, request.namespace, request.name);
    }
    return await handler({ ...request, ref: info }, this);
  }

  /** Storage key of one object: `/registry/<group|core>/<resource>/[<ns>/]<name>`. */
  key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    if (info.namespaced && !namespace) throw badRequest('the namespace of the object must be set');
    return `${this.prefix(info, info.namespaced ? namespace : undefined)}${name}`;
  }

  private prefix(info: ResourceInfo, namespace: string | undefined): string {
    // A view (events.k8s.io events) reads and writes the store of the resource it converts to.
    const stored = storageViewOf(info)?.storedAs ?? info;
    const base = `/registry/${stored.group || 'core'}/${stored.resource}/`;
    return info.namespaced && namespace ? `${base}${namespace}/` : base;
  }

  /**
   * Gives every object of `ref` (and of the views stored with it) a time to live: each write renews it, and
   * `expireDue` deletes what has outlived it, as the API server's etcd leases do for events (`--event-ttl`, 1 h).
   */
  setObjectTtl(ref: ResourceRef, ttlMs: number): void {
    this.ttls.set(`${ref.group}/${ref.resource}`, ttlMs);
  }

  /** Deletes the objects whose time to live has run out (a DELETED watch event each); returns how many. */
  async expireDue(): Promise<number> {
    const now = this.clock.now();
    let expired = 0;
    for (const [key, at] of [...this.expiries]) {
      if (at > now) continue;
      this.expiries.delete(key);
      const result = await this.store.delete(key);
      if (result.ok) expired++;
    }
    return expired;
  }

  private renewTtl(info: ResourceInfo, key: string): void {
    if (this.ttls.size === 0) return;
    const stored = storageViewOf(info)?.storedAs ?? info;
    const ttl = this.ttls.get(`${stored.group}/${stored.resource}`);
    if (ttl !== undefined) this.expiries.set(key, this.clock.now() + ttl);
  }

  /** An entry as `info` serves it: stored objects of a view are converted to its version. */
  private decodeFor(info: ResourceInfo, entry: StoreEntry): KubeObject {
    return this.fromStored(info, decode(entry));
  }

  private fromStored(info: ResourceInfo, object: KubeObject): KubeObject {
    const view = storageViewOf(info);
    return view ? view.fromStorage(object) : object;
  }

  private encodeFor(info: ResourceInfo, object: KubeObject): string {
    const view = storageViewOf(info);
    return encode(view ? view.toStorage(object) : object);
  }

  /** Body checks common to create and update: kind, apiVersion, namespace agreement. */
  private normalizeBody(info: ResourceInfo, namespace: string | undefined, input: KubeObject): KubeObject {
    if (!isJsonObject(input)) throw badRequest('the body of the request must be an object');
    const object = deepClone(input);
    const expectedVersion = info.group ? `${info.group}/${info.version}` : info.version;
    const allowedVersions = [info.version, ...(info.otherVersions ?? [])].map((v) =>
      info.group ? `${info.group}/${v}` : v,
    );
    if (object.apiVersion && !allowedVersions.includes(object.apiVersion)) {
      throw badRequest(
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${expectedVersion})`,
      );
    }
    if (object.kind && object.kind !== info.kind) {
      throw badRequest(
        `the kind in the data (${object.kind}) does not match the expected kind (${info.kind})`,
      );
    }
    object.apiVersion = object.apiVersion || expectedVersion;
    object.kind = info.kind;
    object.metadata = isJsonObject(object.metadata) ? object.metadata : {};
    if (info.namespaced) {
      const inBody = object.metadata.namespace;
      if (inBody && namespace && inBody !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      object.metadata.namespace = namespace ?? inBody;
      if (!object.metadata.namespace) throw badRequest('the namespace of the provided object must be set');
    } else {
      delete object.metadata.namespace;
    }
    return object;
  }

  /**
   * The storage admission plugins: DefaultStorageClass gives a claim that names no class the default one
   * (the newest class annotated `storageclass.kubernetes.io/is-default-class: "true"`), and
   * StorageObjectInUseProtection adds the protection finalizers to claims and volumes.
   */
  private async admitStorage(info: ResourceInfo, object: KubeObject): Promise<void> {
    if (info.group !== '') return;
    if (info.resource !== 'persistentvolumeclaims' && info.resource !== 'persistentvolumes') return;
    const finalizer =
      info.resource === 'persistentvolumes' ? 'kubernetes.io/pv-protection' : 'kubernetes.io/pvc-protection';
    const finalizers = object.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) object.metadata.finalizers = [...finalizers, finalizer];
    if (info.resource !== 'persistentvolumeclaims') return;
    const spec = isJsonObject(object.spec) ? object.spec : {};
    object.spec = spec;
    const annotations = object.metadata.annotations ?? {};
    if (
      (spec.storageClassName !== undefined && spec.storageClassName !== null) ||
      'volume.beta.kubernetes.io/storage-class' in annotations
    )
      return;
    const classes = await this.store.range(this.prefix(this.resolve(STORAGE_CLASSES), undefined));
    const defaults = classes.entries
      .map(decode)
      .filter((c) => {
        const marks = c.metadata.annotations ?? {};
        return (
          marks['storageclass.kubernetes.io/is-default-class'] === 'true' ||
          marks['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
        );
      })
      .sort(
        (a, b) =>
          (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
          (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
      );
    const [chosen] = defaults;
    if (chosen) spec.storageClassName = chosen.metadata.name;
  }

  /** The custom resource handler refuses new objects of a CustomResourceDefinition being deleted. */
  private async admitCustomCreate(info: ResourceInfo): Promise<void> {
    const entry = await this.store.get(
      this.key(this.resolve(CRDS), undefined, `${info.resource}.${info.group}`),
    );
    if (entry && decode(entry).metadata.deletionTimestamp) {
      throw methodNotAllowed('create not allowed while custom resource definition is terminating');
    }
  }

  /** NamespaceLifecycle admission: the namespace must exist and must not be terminating. */
  private async admitCreate(info: ResourceInfo, namespace: string | undefined, name: string): Promise<void> {
    if (!namespace) return;
    const entry = await this.store.get(this.key(this.resolve(NAMESPACES), undefined, namespace));
    if (!entry) throw notFound(NAMESPACES, namespace);
    const ns = decode(entry);
    if (ns.status?.phase === 'Terminating' || ns.metadata.deletionTimestamp) {
      throw forbidden(
        info,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  private resetStatusForCreate(info: ResourceInfo, object: KubeObject): void {
    if (info.group === '' && info.resource === 'pods') {
      object.status = { phase: 'Pending', qosClass: podQosClass(object.spec) };
    } else if (info.group === '' && info.resource === 'namespaces') {
      object.status = { phase: 'Active' };
    } else if (
      info.group === '' &&
      (info.resource === 'persistentvolumeclaims' || info.resource === 'persistentvolumes')
    ) {
      object.status = { phase: 'Pending' };
    } else if (info.group === '' && info.resource === 'services') {
      object.status = { loadBalancer: {} };
    } else if ((info.subresources ?? []).includes('status')) {
      delete object.status;
    }
  }

  private prepareKindOnCreate(info: ResourceInfo, object: KubeObject): void {
    if (info.group === '' && info.resource === 'namespaces') {
      object.spec = { ...(isJsonObject(object.spec) ? object.spec : {}), finalizers: ['kubernetes'] };
    }
    if (info.group === 'batch' && info.resource === 'jobs') generateJobSelector(object);
    if (info.group === CRDS.group && info.resource === CRDS.resource) {
      const names = isJsonObject(object.spec) && isJsonObject(object.spec.names) ? object.spec.names : {};
      const versions =
        isJsonObject(object.spec) && Array.isArray(object.spec.versions) ? object.spec.versions : [];
      const stored = versions
        .filter((v) => isJsonObject(v) && v.storage === true)
        .map((v) => (v as { name: unknown }).name);
      const at = rfc3339(this.clock.now());
      object.status = {
        acceptedNames: names,
        storedVersions: stored,
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            lastTransitionTime: at,
            reason: 'NoConflicts',
            message: 'no conflicts found',
          },
          {
            type: 'Established',
            status: 'True',
            lastTransitionTime: at,
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
          },
        ],
      };
    }
  }

  /** The object an update stores, from the current one and what the client sent. */
  private prepareUpdate(
    info: ResourceInfo,
    current: KubeObject,
    incoming: KubeObject,
    kind: UpdateKind,
    dryRun: boolean,
    write: ManagedWrite | undefined,
  ): KubeObject {
    const service = kind === 'main' && isService(info);
    try {
      const next = this.prepareUpdateOf(info, current, incoming, kind, service, dryRun);
      const managedFields = write
        ? nextManagedFields(info, current, next, write)
        : current.metadata.managedFields;
      if (managedFields) next.metadata.managedFields = managedFields;
      else delete next.metadata.managedFields;
      return next;
    } catch (error) {
      if (service && !dryRun) this.services.restore(current);
      throw error;
    }
  }

  /** Who this write records in managedFields (nothing for in-process writes that name no manager). */
  private writer(options: WriteOptions, kind: UpdateKind, applied?: unknown): ManagedWrite | undefined {
    if (!options.fieldManager || kind === 'finalize') return undefined;
    return {
      manager: options.fieldManager,
      operation: applied === undefined ? 'Update' : 'Apply',
      subresource: kind === 'status' ? 'status' : undefined,
      time: rfc3339(this.clock.now()),
      applied,
    };
  }

  private prepareUpdateOf(
    info: ResourceInfo,
    current: KubeObject,
    incoming: KubeObject,
    kind: UpdateKind,
    service: boolean,
    dryRun: boolean,
  ): KubeObject {
    let next: KubeObject;
    if (kind === 'status') {
      next = { ...deepClone(current), status: deepClone(incoming.status) };
      if (next.status === undefined) delete next.status;
    } else if (kind === 'finalize') {
      const finalizers = isJsonObject(incoming.spec) ? incoming.spec.finalizers : undefined;
      next = deepClone(current);
      next.spec = {
        ...(isJsonObject(next.spec) ? next.spec : {}),
        finalizers: Array.isArray(finalizers) ? finalizers : [],
      };
    } else {
      next = deepClone(incoming);
      if ((info.subresources ?? []).includes('status')) {
        if (current.status === undefined) delete next.status;
        else next.status = deepClone(current.status);
      }
      const metadata = next.metadata;
      const old = current.metadata;
      metadata.uid = old.uid;
      metadata.creationTimestamp = old.creationTimestamp;
      metadata.name = old.name;
      if (info.namespaced) metadata.namespace = old.namespace;
      metadata.deletionTimestamp = old.deletionTimestamp;
      metadata.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
      if (metadata.deletionTimestamp === undefined) delete metadata.deletionTimestamp;
      if (metadata.deletionGracePeriodSeconds === undefined) delete metadata.deletionGracePeriodSeconds;
      delete metadata.managedFields;
      if (old.generation !== undefined) metadata.generation = old.generation;
      else delete metadata.generation;
      if (info.group === 'batch' && info.resource === 'jobs' && isJsonObject(current.spec)) {
        // A job's selector is immutable; keep the generated one when a client omits it.
        if (isJsonObject(next.spec) && next.spec.selector === undefined)
          next.spec.selector = current.spec.selector;
      }
      if (info.group === '' && info.resource === 'namespaces') {
        next.spec = current.spec === undefined ? undefined : deepClone(current.spec);
        if (next.spec === undefined) delete next.spec;
        next.status = deepClone(current.status);
      }
    }
    decodeMicroTimes(info, next);
    applyDefaults(info, next);
    if (kind !== 'finalize') applyCustomSchema(info, next);
    if (service) this.services.reallocate(current, next, dryRun);
    if (kind === 'main') {
      validateObject(info, next);
      checkDataLimits(info, next);
      validateImmutableFields(info, current, next);
      if (current.metadata.deletionTimestamp) {
        const added = (next.metadata.finalizers ?? []).filter(
          (f) => !(current.metadata.finalizers ?? []).includes(f),
        );
        if (added.length > 0) {
          throw invalid(info.kind, info.group, current.metadata.name ?? '', [
            {
              reason: 'FieldValueForbidden',
              message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
              field: 'metadata.finalizers',
            },
          ]);
        }
      }
      if (info.tracksGeneration && specChanged(info, current, next)) {
        next.metadata.generation = (current.metadata.generation ?? 0) + 1;
      }
    }
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    return next;
  }

  /**
   * Runs `mutate` against the current object and writes the result with compare-and-swap, retrying when another
   * writer got in between (unless the client named a resourceVersion: then it is a 409, as on the real server).
   */
  private async writeWithRetry(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    wantedVersion: string | undefined,
    options: WriteOptions,
    mutate: (current: KubeObject) => KubeObject,
  ): Promise<KubeObject> {
    const key = this.key(info, namespace, name);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const entry = await this.store.get(key);
      if (!entry) throw notFound(info, name);
      if (wantedVersion && wantedVersion !== String(entry.modRevision)) {
        throw conflict(info, name, OPTIMISTIC_LOCK_MESSAGE);
      }
      const current = this.decodeFor(info, entry);
      const next = mutate(current);
      if (deepEqual(next, current)) return current;
      if (this.shouldRemoveAfterUpdate(info, next)) {
        if (options.dryRun) return next;
        const removed = await this.store.delete(key, entry.modRevision);
        if (!removed.ok) continue;
        await this.afterRemoval(info, next);
        return next;
      }
      if (options.dryRun) return next;
      const result = await this.store.put(key, this.encodeFor(info, next), entry.modRevision);
      if (!result.ok) continue;
      this.renewTtl(info, key);
      const written = this.decodeFor(info, result.entry);
      if (info.group === CRDS.group && info.resource === CRDS.resource) this.defineCustomResource(written);
      return written;
    }
    throw conflict(info, name, OPTIMISTIC_LOCK_MESSAGE);
  }

  /** An object being deleted goes once nothing holds it: no finalizers and (graceful kinds) no grace left. */
  private shouldRemoveAfterUpdate(info: ResourceInfo, object: KubeObject): boolean {
    const metadata = object.metadata;
    if (!metadata.deletionTimestamp) return false;
    if ((metadata.finalizers ?? []).length > 0) return false;
    if ((metadata.deletionGracePeriodSeconds ?? 0) !== 0) return false;
    if (info.group === '' && info.resource === 'namespaces') {
      const finalizers = isJsonObject(object.spec) ? object.spec.finalizers : undefined;
      return !Array.isArray(finalizers) || finalizers.length === 0;
    }
    return true;
  }

  private checkPreconditions(info: ResourceInfo, current: KubeObject, options: DeleteOptions): void {
    const name = current.metadata.name ?? '';
    const wantedUid = options.preconditions?.uid;
    if (wantedUid && wantedUid !== current.metadata.uid) {
      throw conflict(
        info,
        name,
        `the UID in the precondition (${wantedUid}) does not match the UID in record (${current.metadata.uid}). The object might have been deleted and then recreated`,
      );
    }
    const wantedVersion = options.preconditions?.resourceVersion;
    if (wantedVersion && wantedVersion !== current.metadata.resourceVersion) {
      throw conflict(
        info,
        name,
        `the ResourceVersion in the precondition (${wantedVersion}) does not match the ResourceVersion in record (${current.metadata.resourceVersion}). The object might have been modified`,
      );
    }
  }

  /** What a DELETE does to `current` (contract 2.3): leave it, mark it deleting, or remove it now. */
  private planDeletion(
    info: ResourceInfo,
    current: KubeObject,
    options: DeleteOptions,
  ): { kind: 'unchanged' } | { kind: 'update' | 'remove'; object: KubeObject } {
    const now = this.clock.now();
    const next = deepClone(current);
    const metadata = next.metadata;
    const finalizers = [...(metadata.finalizers ?? [])];
    if (!metadata.deletionTimestamp) {
      if (options.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) {
        finalizers.push('foregroundDeletion');
      }
      if (options.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
      if (finalizers.length > 0) metadata.finalizers = finalizers;
    }
    if (info.group === '' && info.resource === 'namespaces') {
      if (metadata.deletionTimestamp) return { kind: 'unchanged' };
      metadata.deletionTimestamp = rfc3339(now);
      metadata.deletionGracePeriodSeconds = 0;
      next.status = { ...(isJsonObject(next.status) ? next.status : {}), phase: 'Terminating' };
      return { kind: this.shouldRemoveAfterUpdate(info, next) ? 'remove' : 'update', object: next };
    }
    if (info.group === CRDS.group && info.resource === CRDS.resource && !metadata.deletionTimestamp) {
      // The CRD's REST storage marks it and adds its cleanup finalizer; the finalizer controller then
      // deletes every custom object and only then lets it go.
      if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) finalizers.push(CRD_CLEANUP_FINALIZER);
      metadata.finalizers = finalizers;
      metadata.deletionTimestamp = rfc3339(now);
      metadata.deletionGracePeriodSeconds = 0;
      const status = isJsonObject(next.status) ? next.status : {};
      const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter(
        (c) => !(isJsonObject(c) && c.type === 'Terminating'),
      );
      conditions.push({
        type: 'Terminating',
        status: 'True',
        lastTransitionTime: rfc3339(now),
        reason: 'InstanceDeletionPending',
        message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
      });
      next.status = { ...status, conditions };
      return { kind: 'update', object: next };
    }
    if (info.gracefulDelete) {
      let grace = options.gracePeriodSeconds;
      if (grace !== undefined && grace < 0) grace = 1;
      if (metadata.deletionTimestamp) {
        // Already terminating: a second DELETE may only shorten the grace period.
        const currentGrace = metadata.deletionGracePeriodSeconds;
        if (currentGrace === undefined || grace === undefined || grace >= currentGrace)
          return { kind: 'unchanged' };
      } else {
        grace ??=
          typeof next.spec?.terminationGracePeriodSeconds === 'number'
            ? next.spec.terminationGracePeriodSeconds
            : 30;
        const phase = next.status?.phase;
        if (!next.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
        if (grace !== 0 && metadata.generation) metadata.generation += 1;
      }
      const seconds = grace ?? 0;
      metadata.deletionTimestamp = rfc3339(now + seconds * 1000);
      metadata.deletionGracePeriodSeconds = seconds;
      return { kind: this.shouldRemoveAfterUpdate(info, next) ? 'remove' : 'update', object: next };
    }
    if (metadata.deletionTimestamp) {
      return deepEqual(metadata.finalizers ?? [], current.metadata.finalizers ?? [])
        ? { kind: 'unchanged' }
        : { kind: 'update', object: next };
    }
    if (finalizers.length > 0) {
      metadata.deletionTimestamp = rfc3339(now);
      metadata.deletionGracePeriodSeconds = 0;
      return { kind: 'update', object: next };
    }
    return { kind: 'remove', object: next };
  }

  private async afterRemoval(info: ResourceInfo, object: KubeObject): Promise<void> {
    if (isService(info)) this.services.release(object.metadata.uid);
    if (info.group === CRDS.group && info.resource === CRDS.resource) {
      const defined = this.resources.all.find(
        (r) =>
          r.custom &&
          isJsonObject(object.spec) &&
          r.group === object.spec.group &&
          isJsonObject(object.spec.names) &&
          r.resource === object.spec.names.plural,
      );
      if (!defined) return;
      // The CRD's cleanup finalizer removes every instance before the type goes away.
      const range = await this.store.range(this.prefix(defined, undefined));
      for (const entry of range.entries) await this.store.delete(entry.key);
      this.resources.removeCustomResource(defined);
      this.notifyCatalogChange();
    }
  }

  private defineCustomResource(crd: KubeObject): void {
    if (crd.metadata.deletionTimestamp) return;
    if (this.resources.defineCustomResource(crd)) this.notifyCatalogChange();
  }

  private notifyCatalogChange(): void {
    for (const listener of this.catalogListeners) listener();
  }

  private randomSuffix(): string {
    let suffix = '';
    for (let i = 0; i < 5; i++) {
      suffix += GENERATE_NAME_ALPHABET[Math.floor(this.random() * GENERATE_NAME_ALPHABET.length)] ?? 'x';
    }
    return suffix;
  }
}

function isService(ref: ResourceRef): boolean {
  return ref.group === '' && ref.resource === 'services';
}

function subresourceKey(ref: ResourceRef, subresource: string): string {
  return `${ref.group}/${ref.resource}/${subresource}`;
}

function decode(entry: StoreEntry): KubeObject {
  const object = JSON.parse(entry.value) as KubeObject;
  object.metadata.resourceVersion = String(entry.modRevision);
  return object;
}

function encode(object: KubeObject): string {
  const { resourceVersion: _ignored, ...metadata } = object.metadata;
  return JSON.stringify({ ...object, metadata });
}

/** The spec part generation follows: `spec` for built-ins, everything but metadata and status for CRs. */
function specChanged(info: ResourceInfo, before: KubeObject, after: KubeObject): boolean {
  if (!info.custom) return !deepEqual(before.spec, after.spec);
  const strip = (object: KubeObject) => {
    const { metadata: _m, status: _s, ...rest } = object;
    return rest;
  };
  return !deepEqual(strip(before), strip(after));
}

/**
 * A store change as the watcher of a filtered set sees it: objects leaving the set are DELETED, objects entering
 * it ADDED (as the watch cache does). DELETED carries the last state with the deletion's resourceVersion.
 */
function toWatchEvent(
  change: StoreChange,
  matches: (object: KubeObject) => boolean,
  unfiltered: boolean,
): WatchEvent | undefined {
  const revision = String(change.modRevision);
  if (change.type === 'delete') {
    const object = JSON.parse(change.value) as KubeObject;
    object.metadata.resourceVersion = revision;
    return matches(object) ? { type: 'DELETED', object } : undefined;
  }
  const object = JSON.parse(change.value) as KubeObject;
  object.metadata.resourceVersion = revision;
  const now = matches(object);
  if (change.prevValue === undefined) return now ? { type: 'ADDED', object } : undefined;
  const before = unfiltered || matches(JSON.parse(change.prevValue) as KubeObject);
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object };
  return undefined;
}
