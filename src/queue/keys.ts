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
}
