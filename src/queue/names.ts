/** Queue per concern (docs/architecture.md, "Jobs and queues"); job name per operation. */
export const OPS_QUEUE = 'ops';
export const OUTBOX_QUEUE = 'outbox';
