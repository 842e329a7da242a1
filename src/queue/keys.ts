/** Every Redis key bosun writes outside BullMQ, in one place, under the configured prefix. */
export class Keys {
  constructor(readonly prefix: string) {}
  request(id: string): string {
    return `${this.prefix}:req:${id}`;
  }
  channelRequests(channel: string): string {
    return `${this.prefix}:chan:${channel}:reqs`;
  }
  rate(bucket: string, channel: string): string {
    return `${this.prefix}:rate:${bucket}:${channel}`;
  }
  cardLock(id: string): string {
    return `${this.prefix}:req:${id}:card-lock`;
  }
  cancel(id: string): string {
    return `${this.prefix}:req:${id}:cancel`;
  }
  cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }
  /** An approval of a request: `start` before it runs, or a named phase while it runs. */
  approval(id: string, phase: string): string {
    return `${this.prefix}:req:${id}:approval:${phase}`;
  }
  /** Cached members of a Slack user group. */
  usergroup(id: string): string {
    return `${this.prefix}:usergroup:${id}`;
  }
  /** The audit log: an append-only stream. */
  audit(): string {
    return `${this.prefix}:audit`;
  }
  /** A node's mutation lock (drain, cordon, maintain): holder and fencing token. */
  nodeLock(cluster: string, node: string): string {
    return `${this.prefix}:lock:${cluster}:node:${node}`;
  }
  /** The cluster-wide lock (upgrade, etcd restore) that node operations respect. */
  clusterLock(cluster: string): string {
    return `${this.prefix}:lock:${cluster}:cluster`;
  }
  /** The nodes of a cluster that have (or recently had) a node lock, so the cluster lock can check them. */
  nodeLocksOf(cluster: string): string {
    return `${this.prefix}:lock:${cluster}:nodes`;
  }
  /** The fencing-token counter of a cluster's locks. */
  lockFence(cluster: string): string {
    return `${this.prefix}:lock:${cluster}:fence`;
  }
  /** Decisions made with a running request's buttons (skip a pod, abort, maintenance done), oldest first. */
  decisions(id: string): string {
    return `${this.prefix}:req:${id}:decisions`;
  }
}
