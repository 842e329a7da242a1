/**
 * An error meant for the person in the channel: a stable code, a message saying what is wrong and a hint saying
 * what to do. Stack traces go to the log, never to Slack. Jobs fail these at once (no retry).
 */
export class BosunError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'BosunError';
  }
}

/**
 * Codes of errors that are the requester's own mistake, found only once the job looked at the cluster (a node
 * that does not exist): like any bad input, told to its author alone, with nothing left in the channel.
 */
const AUTHOR_MISTAKES: ReadonlySet<string> = new Set([
  'NODE_NOT_FOUND',
  'BACKUP_NOT_FOUND',
  'SCHEDULE_NOT_FOUND',
]);

export function isAuthorMistake(error: BosunError): boolean {
  return AUTHOR_MISTAKES.has(error.code);
}

/** A failure that may pass if tried again (network, 5xx, timeouts). Jobs retry these with backoff. */
export class TransientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** The operation stopped because someone cancelled the request. */
export class CancelledError extends Error {
  constructor(readonly by?: string) {
    super(by ? `cancelled by ${by}` : 'cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * The operation waits for a person and has saved its state: its job should wait elsewhere (holding no worker)
 * until `until` or until someone acts, then run again and continue from the saved state.
 */
export class ParkedError extends Error {
  constructor(
    readonly until: number,
    readonly waitingFor: string,
  ) {
    super(`waiting for ${waitingFor}`);
    this.name = 'ParkedError';
  }
}
