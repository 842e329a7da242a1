/** What operators may write as `redis.prefix`: letters, digits, `_` and `-` (no braces, no colon). */
export const PREFIX_PATTERN = /^[a-zA-Z0-9_-]+$/;

/**
 * The configured prefix as a Redis Cluster hash tag: `bosun` becomes `{bosun}`. A Cluster hashes only what is
 * between the braces, so every key that starts with it, bosun's own (Keys) and BullMQ's (the same string is its
 * `prefix` option), lands in one slot, and multi-key Lua scripts and MULTI work on a Cluster as on one Redis.
 * The one place the tag is made.
 */
export function hashTagged(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `Redis key prefix ${JSON.stringify(prefix)} must be letters, digits, _ or - (no braces, no colon)`,
    );
  }
  return `{${prefix}}`;
}

/**
 * Every Redis key bosun writes, in one place, under the configured prefix's hash tag (`{bosun}:req:r-…`).
 * BullMQ's keys take `bullPrefix`, the same tag, so one installation lives in one Cluster slot.
 */
export class Keys {
  /** The hash-tagged prefix: the start of every key below, and BullMQ's `prefix` option. */
  readonly bullPrefix: string;

  /** `prefix` as configured (`redis.prefix`, no braces). */
  constructor(prefix: string) {
    this.bullPrefix = hashTagged(prefix);
  }
  request(id: string): string {
    return `${this.bullPrefix}:req:${id}`;
  }
  channelRequests(channel: string): string {
    return `${this.bullPrefix}:chan:${channel}:reqs`;
  }
  /** Requests not yet ended, by request time: what the reconciler walks. */
  openRequests(): string {
    return `${this.bullPrefix}:reqs:open`;
  }
  /** Held by the worker sweeping the open requests (src/requests/reconciler.ts), one at a time. */
  reconcileLock(): string {
    return `${this.bullPrefix}:reqs:reconcile-lock`;
  }
  /** Marks that a retried step did one of its effects (`what`) for a request, so it does it once. */
  once(id: string, what: string): string {
    return `${this.bullPrefix}:req:${id}:once:${what}`;
  }
  rate(bucket: string, channel: string): string {
    return `${this.bullPrefix}:rate:${bucket}:${channel}`;
  }
  /** Present while a run still works on the request (RequestStore.hold), whatever BullMQ says of its job. */
  runAlive(id: string): string {
    return `${this.bullPrefix}:req:${id}:run-alive`;
  }
  /** BullMQ's hash of job `id` in `queue` (its data, its state's fields), as BullMQ names it. */
  job(queue: string, id: string): string {
    return `${this.bullPrefix}:${queue}:${id}`;
  }
  cardLock(id: string): string {
    return `${this.bullPrefix}:req:${id}:card-lock`;
  }
  cancel(id: string): string {
    return `${this.bullPrefix}:req:${id}:cancel`;
  }
  cancelChannel(): string {
    return `${this.bullPrefix}:cancel`;
  }
  /** An approval of a request: `start` before it runs, or a named phase while it runs. */
  approval(id: string, phase: string): string {
    return `${this.bullPrefix}:req:${id}:approval:${phase}`;
  }
  /** Cached members of a Slack user group. */
  usergroup(id: string): string {
    return `${this.bullPrefix}:usergroup:${id}`;
  }
  /** A person's Slack name, cached for the audit log. */
  userName(id: string): string {
    return `${this.bullPrefix}:username:${id}`;
  }
  /** The audit log: an append-only stream. */
  audit(): string {
    return `${this.bullPrefix}:audit`;
  }
  /** A node's mutation lock (drain, cordon, maintain): holder and fencing token. */
  nodeLock(cluster: string, node: string): string {
    return `${this.bullPrefix}:lock:${cluster}:node:${node}`;
  }
  /** The cluster-wide lock (upgrade, etcd restore) that node operations respect. */
  clusterLock(cluster: string): string {
    return `${this.bullPrefix}:lock:${cluster}:cluster`;
  }
  /** The nodes of a cluster that have (or recently had) a node lock, so the cluster lock can check them. */
  nodeLocksOf(cluster: string): string {
    return `${this.bullPrefix}:lock:${cluster}:nodes`;
  }
  /** The fencing-token counter of a cluster's locks. */
  lockFence(cluster: string): string {
    return `${this.bullPrefix}:lock:${cluster}:fence`;
  }
  /** A cluster's backup schedules: a hash of schedule id → the schedule as JSON (src/schedules). */
  schedules(cluster: string): string {
    return `${this.bullPrefix}:sched:${cluster}`;
  }
  /** The counter behind a cluster's schedule ids (`s1`, `s2`, …). */
  scheduleIds(cluster: string): string {
    return `${this.bullPrefix}:sched:${cluster}:ids`;
  }
  /** What a schedule's runs left behind: a hash of lastRun, lastGood, failures, missedFor (JSON each). */
  scheduleState(cluster: string, id: string): string {
    return `${this.bullPrefix}:sched:${cluster}:${id}:state`;
  }
  /** The Slack ts of a notice posted outside any request (a schedule's alert), so it can be rewritten. */
  notice(key: string): string {
    return `${this.bullPrefix}:notice:${key}`;
  }
  /** Decisions made with a running request's buttons (skip a pod, abort, maintenance done), oldest first. */
  decisions(id: string): string {
    return `${this.bullPrefix}:req:${id}:decisions`;
  }
}
