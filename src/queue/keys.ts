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
}
