/**
 * A newer holder runs this request: the job was taken over (this worker stalled past its job lock and another
 * took it). Whatever this worker wanted to write was refused in Redis; it stops without a word in Slack.
 */
export class SupersededError extends Error {
  constructor(
    readonly requestId: string,
    readonly fence: number,
  ) {
    super(`request ${requestId} is held by a newer worker than this one (fence ${fence})`);
    this.name = 'SupersededError';
  }
}
