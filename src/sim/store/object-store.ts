/**
 * Where the simulator keeps objects, shaped like etcd so a later implementation can be a real etcd:
 * keys `/registry/<group>/<resource>/[<namespace>/]<name>`, values are serialized objects, and one
 * cluster-wide revision counter that every write bumps and that the API exposes as resourceVersion.
 */

export interface StoreEntry {
  key: string;
  /** The serialized object, without its resourceVersion (that is `modRevision`, as in the real API server). */
  value: string;
  createRevision: number;
  modRevision: number;
}

/** One write in the change feed. For `delete`, `value` is the last value before the delete. */
export interface StoreChange {
  type: 'put' | 'delete';
  key: string;
  value: string;
  prevValue?: string;
  modRevision: number;
}

export interface RangeOptions {
  /** Only keys strictly after this one (paging). */
  startAfter?: string;
  /** At most this many entries; `more` says whether others follow. */
  limit?: number;
}

export interface RangeResult {
  entries: StoreEntry[];
  /** The store revision the range was read at. */
  revision: number;
  more: boolean;
  /** How many entries under the prefix follow the last one returned. */
  remaining: number;
}

/** The outcome of a compare-and-swap write: `ok: false` carries what is there now (if anything). */
export type WriteResult =
  | { ok: true; entry: StoreEntry; prev?: StoreEntry }
  | { ok: false; current?: StoreEntry };

/**
 * `expectModRevision`: undefined writes unconditionally, 0 requires the key to be absent, N requires the
 * key's modRevision to be N.
 */
export interface ObjectStore {
  get(key: string): Promise<StoreEntry | undefined>;
  range(prefix: string, options?: RangeOptions): Promise<RangeResult>;
  put(key: string, value: string, expectModRevision?: number): Promise<WriteResult>;
  delete(key: string, expectModRevision?: number): Promise<WriteResult>;
  revision(): Promise<number>;
  /** Revisions at or below this one are gone from the change feed: watching from them gives 410 Expired. */
  compactedRevision(): Promise<number>;
  /**
   * Changes under `prefix` with a revision above `afterRevision`, in order, then live ones. When the feed no
   * longer holds `afterRevision + 1`, `onExpired` is called once instead (asynchronously).
   */
  watch(
    prefix: string,
    afterRevision: number,
    onChange: (change: StoreChange) => void,
    onExpired: (compactedRevision: number) => void,
  ): StoreWatch;
}

export interface StoreWatch {
  cancel(): void;
  /** The highest revision this watch has processed (delivered or skipped as outside its prefix). */
  progressRevision(): number;
}
