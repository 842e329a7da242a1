/** Why a drain stopped before every pod was gone (the reasons of its internal abort signal). */
export class DrainDeadline extends Error {
  constructor(readonly timeoutSeconds: number) {
    super(`global timeout reached: ${timeoutSeconds}s`);
    this.name = 'DrainDeadline';
  }
}

export class DrainAborted extends Error {
  constructor(readonly by: string) {
    super(`aborted by ${by}`);
    this.name = 'DrainAborted';
  }
}

/** The drain's lock was lost (it expired and someone else took the node): stop before touching anything else. */
export class LockLost extends Error {
  constructor(readonly what: string) {
    super(`lost the lock on ${what}`);
    this.name = 'LockLost';
  }
}
