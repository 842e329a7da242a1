/** Queue per concern (docs/architecture.md, "Jobs and queues"); job name per operation. */
export const OPS_QUEUE = 'ops';
export const OUTBOX_QUEUE = 'outbox';
/** Slash commands recorded before their ack, finished by a worker if the bot died (src/queue/intake-queue.ts). */
export const INTAKE_QUEUE = 'intake';
/** Backup schedules' runs and the missed-backup check (src/schedules), fired by BullMQ job schedulers. */
export const SCHEDULES_QUEUE = 'schedules';
