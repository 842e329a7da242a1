/** One served resource of one group-version, as discovery lists it. */
export interface ServedResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** The plural, as in the URL (`configmaps`); subresources carry a `/` (`pods/log`). */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
}

/** What discovery found: each group's preferred version's resources, and the groups it could not read. */
export interface Discovery {
  resources: ServedResource[];
  /** `group/version: why`, one per group-version whose discovery failed. */
  failures: string[];
}

/** A Kubernetes object as JSON, untouched (no client-side model, so nothing unknown is lost). */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown> & { name?: string; namespace?: string };
};

export interface ListPage {
  items: KubeObject[];
  /** The token for the next page, when there is one. */
  continue?: string;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  limit: number;
  continue?: string;
}

export interface WriteOptions {
  /** Server-side dry run (`dryRun=All`): validated and admitted, never stored. */
  dryRun?: boolean;
}

/**
 * Every resource of a cluster, by discovery: what a backup reads and a restore writes. Raw JSON in and out, so
 * a backup keeps every field, custom resources' included, exactly as the API server served it.
 */
export interface ClusterResources {
  discover(signal?: AbortSignal): Promise<Discovery>;
  list(resource: ServedResource, options: ListOptions, signal?: AbortSignal): Promise<ListPage>;
  /** The object, or undefined when it does not exist. */
  get(
    resource: ServedResource,
    namespace: string | undefined,
    name: string,
    signal?: AbortSignal,
  ): Promise<KubeObject | undefined>;
  create(
    resource: ServedResource,
    object: KubeObject,
    options?: WriteOptions,
    signal?: AbortSignal,
  ): Promise<KubeObject>;
  replace(
    resource: ServedResource,
    object: KubeObject,
    options?: WriteOptions,
    signal?: AbortSignal,
  ): Promise<KubeObject>;
}

/** The API server's answer to a write it refused: its HTTP code, reason and message (AlreadyExists, Invalid…). */
export class ResourceWriteError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ResourceWriteError';
  }
}
