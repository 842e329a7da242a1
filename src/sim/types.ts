/**
 * The simulator's shared vocabulary: Kubernetes objects as plain JSON, the errors the API server
 * answers with, and the Registry that both the HTTP layer and the controllers go through.
 *
 * Controllers never touch the store directly: they use the Registry, so every write gets the same
 * metadata handling, admission, watch events and resourceVersion as a write from kubectl.
 */

import type { Clock } from '../shared/clock.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

/** Any Kubernetes object. `spec` and `status` stay loosely typed: each controller narrows what it reads. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // biome-ignore lint/suspicious/noExplicitAny: object bodies are arbitrary JSON, narrowed where read
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  status?: any;
  [key: string]: unknown;
}

/** Identifies a resource type: `{ group: '', resource: 'pods' }`, `{ group: 'apps', resource: 'deployments' }`. */
export interface ResourceRef {
  group: string;
  resource: string;
}

/** One entry of the discovery catalog. */
export interface ResourceInfo extends ResourceRef {
  version: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** Subresources served, e.g. ['status', 'eviction', 'binding', 'scale']. */
  subresources?: string[];
  /** Whether metadata.generation is tracked (bumped on spec change). */
  tracksGeneration?: boolean;
  /** DELETE answers with the object (pods, PVs, PVCs, …) instead of a Status Success. */
  returnsDeletedObject?: boolean;
  /** Pods: DELETE sets deletionTimestamp = now + grace instead of removing at once. */
  gracefulDelete?: boolean;
  /** Served because a CustomResourceDefinition defines it (strategic merge patch is refused with 415). */
  custom?: boolean;
  /** Create keeps a client-supplied status (nodes, events); for the rest the server resets it. */
  keepsStatusOnCreate?: boolean;
  /** Extra versions served for the same objects (custom resources with several served versions). */
  otherVersions?: string[];
  /** Table columns of a custom resource (`additionalPrinterColumns`). */
  printerColumns?: PrinterColumn[];
  /** A custom resource's `openAPIV3Schema` per served version (pruning, defaults, validation). */
  schemas?: Record<string, unknown>;
}

/** A custom resource's `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The body of every error response: `{"kind":"Status","apiVersion":"v1",...}`. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** Thrown by the Registry; the HTTP layer writes `status` with `status.code` (and Retry-After when set). */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'StatusError';
  }
  get code(): number {
    return this.status.code;
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /**
   * In-process seeding only (scenarios, tests): keep the status given on create instead of resetting it as the
   * API server does. Never set from HTTP.
   */
  keepStatus?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

/** `apply` is server-side apply (`application/apply-patch+yaml`), served as a merge that may create. */
export type PatchType = 'strategic' | 'merge' | 'json' | 'apply';

/** What a delete did: `removed` is false while finalizers or a grace period keep the object. */
export interface DeleteOutcome {
  object: KubeObject;
  removed: boolean;
}

/** A request for a subresource that is not plain status (eviction, binding, scale, finalize, …). */
export interface SubresourceRequest {
  verb: 'get' | 'create' | 'update' | 'patch';
  ref: ResourceRef;
  namespace: string | undefined;
  name: string;
  subresource: string;
  body: unknown;
  patchType?: PatchType;
  dryRun: boolean;
}

/** The answer of a subresource handler; errors are thrown as StatusError. */
export interface SubresourceResponse {
  code: number;
  body: unknown;
}

export type SubresourceHandler = (
  request: SubresourceRequest,
  registry: Registry,
) => Promise<SubresourceResponse>;

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Deliver only changes after this resourceVersion; unset means synthetic ADDED for every existing object first. */
  resourceVersion?: string;
}

/**
 * A live watch; `stop()` ends it (without calling `onEnd`). `onEnd` is called with a StatusError when the server
 * ends the watch: 410 Expired when the resourceVersion is older than the change feed.
 */
export interface WatchHandle {
  stop(): void;
  /** The resourceVersion this watch has seen everything up to: what a BOOKMARK event carries. */
  bookmark(): string;
}

/**
 * The API server's behaviour, in process. Methods throw StatusError exactly as the HTTP API answers.
 * `subresource` is 'status' for status writes (which ignore spec changes and vice versa).
 */
export interface Registry {
  readonly catalog: ReadonlyArray<ResourceInfo>;
  /** The time the registry stamps objects with; the HTTP layer computes Table ages from it. */
  readonly clock?: Clock;
  get(ref: ResourceRef, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(ref: ResourceRef, options?: ListOptions): Promise<ListResult>;
  create(
    ref: ResourceRef,
    namespace: string | undefined,
    object: KubeObject,
    options?: WriteOptions,
  ): Promise<KubeObject>;
  update(
    ref: ResourceRef,
    namespace: string | undefined,
    object: KubeObject,
    options?: WriteOptions & { subresource?: 'status' | 'finalize' },
  ): Promise<KubeObject>;
  patch(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    body: unknown,
    options?: WriteOptions & { subresource?: 'status' },
  ): Promise<KubeObject>;
  /** Graceful where the kind has it (pods): sets deletionTimestamp; removes at once otherwise (finalizers permitting). */
  delete(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<KubeObject>;
  watch(
    ref: ResourceRef,
    options: WatchOptions,
    onEvent: (event: WatchEvent) => void,
    onEnd?: (error?: StatusError) => void,
  ): WatchHandle;

  /** The catalog entry for a resource, including custom resources; 404 StatusError when not served. */
  resolve(ref: ResourceRef): ResourceInfo;
  /** The cluster-wide resourceVersion now. */
  currentResourceVersion(): Promise<string>;
  /** Objects of `ref` expire `ttlMs` after their last write (events: the API server's `--event-ttl`). */
  setObjectTtl?(ref: ResourceRef, ttlMs: number): void;
  /** Deletes the objects whose time to live has run out; returns how many. */
  expireDue?(): Promise<number>;
  /** As `delete`, and says whether the object is gone (HTTP answers a Status then, for most kinds). */
  deleteWithOutcome(
    ref: ResourceRef,
    namespace: string | undefined,
    name: string,
    options?: DeleteOptions,
  ): Promise<DeleteOutcome>;
  /** DELETE on a collection: deletes every object the selectors match, returns their last states. */
  deleteCollection(ref: ResourceRef, options: ListOptions & DeleteOptions): Promise<KubeObject[]>;
  /**
   * Serves `<resource>/<subresource>` with `handler` (e.g. 'pods', 'eviction'), replacing the built-in one.
   * A string names a core-group resource.
   */
  setSubresourceHandler(
    resource: ResourceRef | string,
    subresource: string,
    handler: SubresourceHandler,
  ): void;
  /** Runs a subresource other than status (eviction, binding, scale, finalize), with admission applied first. */
  invokeSubresource(request: SubresourceRequest): Promise<SubresourceResponse>;
  /** Called after the served resources change (a CRD became established or was removed). */
  onCatalogChange(listener: () => void): () => void;
}
