/**
 * The simulator's shared vocabulary: Kubernetes objects as plain JSON, the errors the API server
 * answers with, and the Registry that both the HTTP layer and the controllers go through.
 *
 * Controllers never touch the store directly: they use the Registry, so every write gets the same
 * metadata handling, admission, watch events and resourceVersion as a write from kubectl.
 */

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
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
}

export type PatchType = 'strategic' | 'merge' | 'json';

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Deliver only changes after this resourceVersion; unset means synthetic ADDED for every existing object first. */
  resourceVersion?: string;
}

/** A live watch; `stop()` ends it. `onEnd` of the caller is called with a StatusError on 410 Gone. */
export interface WatchHandle {
  stop(): void;
}

/**
 * The API server's behaviour, in process. Methods throw StatusError exactly as the HTTP API answers.
 * `subresource` is 'status' for status writes (which ignore spec changes and vice versa).
 */
export interface Registry {
  readonly catalog: ReadonlyArray<ResourceInfo>;
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
    options?: WriteOptions & { subresource?: 'status' },
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
}
