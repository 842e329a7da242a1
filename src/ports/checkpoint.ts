/** Where a long operation records its progress, so another worker can continue it (BullMQ job data). */
export interface Checkpoint<T> {
  save(state: T): Promise<void>;
}
