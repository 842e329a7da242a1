import { createHash } from 'node:crypto';
import type { ScaledClock } from '../clock/scaled-clock.js';
import { rfc3339 } from '../registry/rfc3339.js';
import { type KubeObject, type Registry, type ResourceRef, StatusError } from '../types.js';
import type { SimLog } from './sim-log.js';

/**
 * The components' event recorders, after client-go:
 * - `legacy(component, host)` is `tools/record` (kubelet, node and workload controllers): core/v1 Events named
 *   `<object>.<hex nanoseconds>`, the EventCorrelator's deduplication (same source, object, type, reason and
 *   message ⇒ one Event whose `count` and `lastTimestamp` are patched), its aggregation (the 10th different
 *   message of the same reason about the same object within 10 min becomes one `(combined from similar events): …`
 *   Event) and its spam filter (25 events per source and object, then one per 5 min);
 * - `modern(controller, instance)` is `tools/events` (kube-scheduler): events.k8s.io/v1 Events with `action`,
 *   `note`, `reportingController`/`reportingInstance`; an isomorphic event (same type, action, reason, reporter,
 *   regarding, related) starts a `series` (count 2, patched at once), later ones only count in memory and are
 *   written every 30 min and when the series ends (6 min without one).
 * Every duration is cluster time (scaled). Writes go through the registry one at a time; when more than 1000
 * wait, new ones are dropped, as client-go's broadcaster drops them.
 */

export type EventType = 'Normal' | 'Warning';

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface EventRecorder {
  event(regarding: ObjectReference, type: EventType, reason: string, message: string, action?: string): void;
}

const coreEvents: ResourceRef = { group: '', resource: 'events' };
const modernEvents: ResourceRef = { group: 'events.k8s.io', resource: 'events' };

const maxLruEntries = 4096;
const aggregateMaxEvents = 10;
const aggregateIntervalMs = 600_000;
const spamBurst = 25;
const spamRefillMs = 300_000;
const maxQueued = 1000;
/** tools/events: a series is written every 30 min and finished after 6 min without an isomorphic event. */
const seriesRefreshMs = 30 * 60_000;
const seriesFinishMs = 6 * 60_000;
/** kube-apiserver's `--event-ttl` default. */
export const EVENT_TTL_MS = 3_600_000;
/** How often expired events are swept (cluster time). */
const expirySweepMs = 60_000;
/** The scheduler's limit on a note (`noteLengthLimit`). */
const noteLengthLimit = 1024;

/** The reference client-go's `ref.GetReference` builds for an object (fieldPath for a container). */
export function referenceTo(object: KubeObject, fieldPath?: string): ObjectReference {
  const ref: ObjectReference = {
    kind: object.kind,
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    uid: object.metadata.uid,
    apiVersion: object.apiVersion,
    resourceVersion: object.metadata.resourceVersion,
  };
  if (fieldPath) ref.fieldPath = fieldPath;
  for (const key of Object.keys(ref) as Array<keyof ObjectReference>)
    if (ref[key] === undefined) delete ref[key];
  return ref;
}

/** The field path the kubelet's container events carry. */
export function containerFieldPath(name: string): string {
  return `spec.containers{${name}}`;
}

/** metav1.MicroTime with six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A Map used as the LRU cache client-go keeps (groupcache/lru): reads refresh, the oldest goes past the limit. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
  get size(): number {
    return this.map.size;
  }
}

interface CoreEvent {
  metadata: { name: string; namespace: string };
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: EventType;
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

/**
 * The correlator's keys join whole messages and references; thousands are cached per recorder, so the caches
 * keep a digest of each key instead (the same equality, a fraction of the memory).
 */
function digest(parts: Array<string | undefined>): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('base64');
}

function refKey(ref: ObjectReference, withFieldPath: boolean): string {
  return [
    ref.kind,
    ref.namespace,
    ref.name,
    withFieldPath ? ref.fieldPath : '',
    ref.uid,
    ref.apiVersion,
  ].join('\u0000');
}

function eventKey(event: CoreEvent): string {
  return digest([
    event.source.component,
    event.source.host ?? '',
    refKey(event.involvedObject, true),
    event.type,
    event.reason,
    event.message,
  ]);
}

function spamKey(event: CoreEvent): string {
  return digest([event.source.component, event.source.host ?? '', refKey(event.involvedObject, false)]);
}

function aggregateKey(event: CoreEvent): string {
  return digest([
    event.source.component,
    event.source.host ?? '',
    refKey(event.involvedObject, false),
    event.type,
    event.reason,
    event.reportingComponent,
    event.reportingInstance,
  ]);
}

interface ModernEvent {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  eventTime: string;
  series?: { count: number; lastObservedTime: string };
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  regarding: ObjectReference;
  note: string;
  type: EventType;
}

/** Keeps events bounded, unique names and the write queue for every recorder of one simulated cluster. */
export class EventRecorders {
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private lastNanos = 0n;
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly modernCaches = new Set<Map<string, ModernEvent>>();
  private stopped = false;

  constructor(
    private readonly registry: Registry,
    private readonly clock: ScaledClock,
    private readonly log: SimLog,
  ) {}

  /** Starts the event expiry sweep and the series bookkeeping of the modern recorders. */
  start(): void {
    this.registry.setObjectTtl?.(coreEvents, this.clock.scale(EVENT_TTL_MS));
    this.every(expirySweepMs, async () => {
      await this.registry.expireDue?.();
    });
    this.every(seriesRefreshMs, async () => {
      for (const cache of this.modernCaches) for (const event of cache.values()) this.refreshSeries(event);
    });
    this.every(seriesFinishMs, async () => {
      const cutoff = this.clock.now() - this.clock.scale(seriesFinishMs);
      for (const cache of this.modernCaches) {
        for (const [key, event] of [...cache]) {
          if (event.series) {
            if (Date.parse(event.series.lastObservedTime) < cutoff) {
              this.refreshSeries(event);
              cache.delete(key);
            }
          } else if (Date.parse(event.eventTime) < cutoff) cache.delete(key);
        }
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await Promise.all(this.loops);
    await this.chain;
  }

  /** Resolves once every event recorded so far has been written. */
  async flush(): Promise<void> {
    await this.chain;
  }

  /** A `tools/record` recorder with source `{component, host}` (reportingController/Instance the same). */
  legacy(component: string, host?: string): EventRecorder {
    const aggregates = new Lru<{ localKeys: Set<string>; last: number }>(maxLruEntries);
    const observed = new Lru<{ count: number; firstTimestamp: string; name: string }>(maxLruEntries);
    const buckets = new Lru<{ tokens: number; at: number }>(maxLruEntries);
    return {
      event: (regarding, type, reason, message) => {
        if (this.stopped) return;
        const now = this.clock.now();
        const stamp = rfc3339(now);
        let event: CoreEvent = {
          metadata: {
            name: this.uniqueName(regarding.name ?? '', now),
            namespace: regarding.namespace || 'default',
          },
          involvedObject: regarding,
          reason,
          message,
          source: host ? { component, host } : { component },
          firstTimestamp: stamp,
          lastTimestamp: stamp,
          count: 1,
          type,
          eventTime: null,
          reportingComponent: component,
          reportingInstance: host ?? '',
        };
        // EventAggregate
        let cacheKey = eventKey(event);
        const groupKey = aggregateKey(event);
        let record = aggregates.get(groupKey);
        if (!record || now - record.last > this.clock.scale(aggregateIntervalMs)) {
          record = { localKeys: new Set(), last: now };
        }
        record.localKeys.add(digest([message]));
        record.last = now;
        aggregates.set(groupKey, record);
        if (record.localKeys.size >= aggregateMaxEvents) {
          const any = record.localKeys.values().next();
          if (!any.done) record.localKeys.delete(any.value);
          event = { ...event, message: `(combined from similar events): ${message}` };
          cacheKey = groupKey;
        }
        // eventObserve
        const last = observed.get(cacheKey);
        if (last) {
          event = {
            ...event,
            metadata: { ...event.metadata, name: last.name },
            firstTimestamp: last.firstTimestamp,
            count: last.count + 1,
          };
        }
        observed.set(cacheKey, {
          count: event.count,
          firstTimestamp: event.firstTimestamp,
          name: event.metadata.name,
        });
        // EventSourceObjectSpamFilter: a token bucket per source and object.
        const bucketKey = spamKey(event);
        const bucket = buckets.get(bucketKey) ?? { tokens: spamBurst, at: now };
        const refill = this.clock.scale(spamRefillMs);
        bucket.tokens = Math.min(
          spamBurst,
          bucket.tokens + (refill > 0 ? (now - bucket.at) / refill : spamBurst),
        );
        bucket.at = now;
        buckets.set(bucketKey, bucket);
        if (bucket.tokens < 1) return;
        bucket.tokens -= 1;
        const written = event;
        this.enqueue(async () => {
          const stored = await this.writeCore(written);
          if (stored) {
            // UpdateState: the server's answer is what the next duplicate patches.
            observed.set(eventKey(stored), {
              count: stored.count,
              firstTimestamp: stored.firstTimestamp,
              name: stored.metadata.name,
            });
          }
        });
      },
    };
  }

  /** A `tools/events` recorder writing events.k8s.io/v1 Events (the scheduler's). */
  modern(controller: string, instance: () => string): EventRecorder {
    const cache = new Map<string, ModernEvent>();
    this.modernCaches.add(cache);
    return {
      event: (regarding, type, reason, message, action = '') => {
        if (this.stopped) return;
        const now = this.clock.now();
        const reportingInstance = `${controller}-${instance()}`;
        const key = digest([type, action, reason, controller, reportingInstance, JSON.stringify(regarding)]);
        const isomorphic = cache.get(key);
        if (isomorphic) {
          if (isomorphic.series) {
            isomorphic.series.count++;
            isomorphic.series.lastObservedTime = microTime(now);
            return;
          }
          isomorphic.series = { count: 2, lastObservedTime: microTime(now) };
          this.refreshSeries(isomorphic);
          return;
        }
        const event: ModernEvent = {
          metadata: {
            name: this.uniqueName(regarding.name ?? '', now),
            namespace: regarding.namespace || 'default',
          },
          eventTime: microTime(now),
          reportingController: controller,
          reportingInstance,
          action,
          reason,
          regarding,
          note: message.length > noteLengthLimit ? `${message.slice(0, noteLengthLimit - 3)}...` : message,
          type,
        };
        cache.set(key, event);
        const copy = structuredClone(event);
        this.enqueue(async () => {
          await this.createModern(copy);
        });
      },
    };
  }

  private refreshSeries(event: ModernEvent): void {
    if (!event.series) return;
    const copy = structuredClone(event);
    this.enqueue(async () => {
      try {
        await this.registry.patch(modernEvents, copy.metadata.namespace, copy.metadata.name, 'strategic', {
          series: copy.series,
        });
      } catch (error) {
        if (error instanceof StatusError && error.code === 404) await this.createModern(copy);
        else this.dropped(copy, error);
      }
    });
  }

  private async createModern(event: ModernEvent): Promise<void> {
    try {
      await this.registry.create(modernEvents, event.metadata.namespace, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        ...structuredClone(event),
        metadata: { name: event.metadata.name, namespace: event.metadata.namespace },
      } as unknown as KubeObject);
    } catch (error) {
      this.dropped(event, error);
    }
  }

  private async writeCore(event: CoreEvent): Promise<CoreEvent | undefined> {
    const { namespace, name } = event.metadata;
    try {
      if (event.count > 1) {
        try {
          const patched = await this.registry.patch(coreEvents, namespace, name, 'strategic', {
            count: event.count,
            lastTimestamp: event.lastTimestamp,
            message: event.message,
          });
          return patched as unknown as CoreEvent;
        } catch (error) {
          // The event expired or was deleted meanwhile: record it anew.
          if (!(error instanceof StatusError && error.code === 404)) throw error;
        }
      }
      const created = await this.registry.create(coreEvents, namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        ...structuredClone(event),
      } as unknown as KubeObject);
      return created as unknown as CoreEvent;
    } catch (error) {
      this.dropped(event, error);
      return undefined;
    }
  }

  private dropped(event: { reason: string; metadata: { name: string } }, error: unknown): void {
    this.log.debug(
      { event: event.metadata.name, reason: event.reason, error: String(error) },
      'event not written',
    );
  }

  private enqueue(write: () => Promise<void>): void {
    if (this.queued >= maxQueued) return;
    this.queued++;
    this.chain = this.chain
      .then(write)
      .catch(() => {})
      .finally(() => {
        this.queued--;
      });
  }

  /** `<name>.<hex UnixNano>`, strictly increasing so two events in one millisecond never share a name. */
  private uniqueName(name: string, now: number): string {
    let nanos = BigInt(now) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return `${name}.${nanos.toString(16)}`;
  }

  private every(ms: number, run: () => Promise<void>): void {
    const signal = this.abort.signal;
    this.loops.push(
      (async () => {
        while (!signal.aborted) {
          try {
            await this.clock.sleep(Math.max(ms, 1), signal);
          } catch {
            return;
          }
          if (signal.aborted) return;
          try {
            await run();
          } catch (error) {
            this.log.warn({ error: String(error) }, 'event bookkeeping failed');
          }
        }
      })(),
    );
  }
}

/** The error text `%v` prints for an API error: its message. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * pkg/controller's RealPodControl: a pod created for `owner` is `SuccessfulCreate` `Created pod: <name>` about the
 * owner; a refused create is `FailedCreate` `Error creating: <error>` (whatever refused it), and the error goes on.
 */
export async function createPodRecorded(
  recorder: EventRecorder,
  owner: KubeObject,
  create: () => Promise<KubeObject>,
): Promise<KubeObject> {
  try {
    const pod = await create();
    recorder.event(
      referenceTo(owner),
      'Normal',
      'SuccessfulCreate',
      `Created pod: ${pod.metadata.name ?? ''}`,
    );
    return pod;
  } catch (error) {
    recorder.event(referenceTo(owner), 'Warning', 'FailedCreate', `Error creating: ${errorText(error)}`);
    throw error;
  }
}

/** RealPodControl.DeletePod: `SuccessfulDelete` `Deleted pod: <name>`, or `FailedDelete` `Error deleting: <error>`. */
export async function deletePodRecorded(
  recorder: EventRecorder,
  owner: KubeObject,
  name: string,
  remove: () => Promise<KubeObject>,
): Promise<KubeObject> {
  try {
    const pod = await remove();
    recorder.event(referenceTo(owner), 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    return pod;
  } catch (error) {
    if (!(error instanceof StatusError && error.code === 404)) {
      recorder.event(referenceTo(owner), 'Warning', 'FailedDelete', `Error deleting: ${errorText(error)}`);
    }
    throw error;
  }
}
