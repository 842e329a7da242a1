import type {
  ObjectStore,
  RangeOptions,
  RangeResult,
  StoreChange,
  StoreEntry,
  StoreWatch,
  WriteResult,
} from './object-store.js';

export interface MemoryStoreOptions {
  /** How many changes the feed keeps for watch resumes; older revisions answer 410 Expired. */
  historyLimit?: number;
}

interface Watcher {
  prefix: string;
  queue: StoreChange[];
  onChange: (change: StoreChange) => void;
  progress: number;
  cancelled: boolean;
  scheduled: boolean;
}

/**
 * The in-memory ObjectStore. Values are kept as serialized strings, and the change feed references the same
 * strings, so history costs only the superseded versions it still holds, never a copy per revision.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options.historyLimit ?? 4096);
}

export class MemoryStore implements ObjectStore {
  private readonly entries = new Map<string, StoreEntry>();
  private sortedKeys: string[] | undefined;
  private readonly history: StoreChange[] = [];
  private readonly watchers = new Set<Watcher>();
  private rev = 0;
  private compacted = 0;

  constructor(private readonly historyLimit: number) {}

  async get(key: string): Promise<StoreEntry | undefined> {
    return this.entries.get(key);
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    const keys = this.keysUnder(prefix);
    let start = 0;
    if (options.startAfter !== undefined) {
      const after = options.startAfter;
      start = lowerBound(keys, after);
      if (keys[start] === after) start++;
    }
    const limit = options.limit && options.limit > 0 ? options.limit : keys.length;
    const slice = keys.slice(start, start + limit);
    const entries: StoreEntry[] = [];
    for (const key of slice) {
      const entry = this.entries.get(key);
      if (entry) entries.push(entry);
    }
    const remaining = Math.max(0, keys.length - start - slice.length);
    return { entries, revision: this.rev, more: remaining > 0, remaining };
  }

  async put(key: string, value: string, expectModRevision?: number): Promise<WriteResult> {
    const prev = this.entries.get(key);
    if (!matches(prev, expectModRevision)) return { ok: false, current: prev };
    this.rev++;
    const entry: StoreEntry = {
      key,
      value,
      createRevision: prev?.createRevision ?? this.rev,
      modRevision: this.rev,
    };
    if (!prev) this.sortedKeys = undefined;
    this.entries.set(key, entry);
    this.record({ type: 'put', key, value, prevValue: prev?.value, modRevision: this.rev });
    return { ok: true, entry, prev };
  }

  async delete(key: string, expectModRevision?: number): Promise<WriteResult> {
    const prev = this.entries.get(key);
    if (!prev || !matches(prev, expectModRevision)) return { ok: false, current: prev };
    this.rev++;
    this.entries.delete(key);
    this.sortedKeys = undefined;
    const entry: StoreEntry = { ...prev, modRevision: this.rev };
    this.record({ type: 'delete', key, value: prev.value, prevValue: prev.value, modRevision: this.rev });
    return { ok: true, entry, prev };
  }

  async revision(): Promise<number> {
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  /** Forgets the change feed up to `revision` (inclusive), as `etcdctl compact` would; for tests and faults. */
  compact(revision = this.rev): void {
    while (this.history.length > 0 && (this.history[0]?.modRevision ?? 0) <= revision) this.history.shift();
    this.compacted = Math.max(this.compacted, Math.min(revision, this.rev));
  }

  watch(
    prefix: string,
    afterRevision: number,
    onChange: (change: StoreChange) => void,
    onExpired: (compactedRevision: number) => void,
  ): StoreWatch {
    const watcher: Watcher = {
      prefix,
      queue: [],
      onChange,
      progress: afterRevision,
      cancelled: false,
      scheduled: false,
    };
    if (afterRevision < this.compacted) {
      const compacted = this.compacted;
      queueMicrotask(() => {
        if (!watcher.cancelled) onExpired(compacted);
      });
      return {
        cancel: () => {
          watcher.cancelled = true;
        },
        progressRevision: () => watcher.progress,
      };
    }
    for (const change of this.history) {
      if (change.modRevision > afterRevision && change.key.startsWith(prefix)) watcher.queue.push(change);
    }
    if (watcher.progress < this.rev && watcher.queue.length === 0) watcher.progress = this.rev;
    this.watchers.add(watcher);
    this.schedule(watcher);
    return {
      cancel: () => {
        watcher.cancelled = true;
        this.watchers.delete(watcher);
      },
      progressRevision: () => watcher.progress,
    };
  }

  private record(change: StoreChange): void {
    this.history.push(change);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped) this.compacted = dropped.modRevision;
    }
    for (const watcher of this.watchers) {
      if (change.key.startsWith(watcher.prefix)) {
        watcher.queue.push(change);
        this.schedule(watcher);
      } else if (watcher.queue.length === 0) {
        watcher.progress = change.modRevision;
      }
    }
  }

  // Delivery is deferred to a microtask so a watcher that writes from its callback cannot reorder what other
  // watchers see, and writers never run watcher code on their own stack.
  private schedule(watcher: Watcher): void {
    if (watcher.scheduled) return;
    watcher.scheduled = true;
    queueMicrotask(() => {
      watcher.scheduled = false;
      while (!watcher.cancelled) {
        const change = watcher.queue.shift();
        if (!change) break;
        watcher.progress = change.modRevision;
        watcher.onChange(change);
      }
      if (!watcher.cancelled && watcher.progress < this.rev && watcher.queue.length === 0) {
        watcher.progress = this.rev;
      }
    });
  }

  private keysUnder(prefix: string): string[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.entries.keys()].sort();
    const keys = this.sortedKeys;
    const from = lowerBound(keys, prefix);
    let to = from;
    while (to < keys.length && (keys[to] ?? '').startsWith(prefix)) to++;
    return keys.slice(from, to);
  }
}

function matches(entry: StoreEntry | undefined, expectModRevision: number | undefined): boolean {
  if (expectModRevision === undefined) return true;
  if (expectModRevision === 0) return entry === undefined;
  return entry?.modRevision === expectModRevision;
}

function lowerBound(keys: string[], target: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] ?? '') < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
