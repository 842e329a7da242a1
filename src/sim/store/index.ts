export { createMemoryStore, MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export type {
  ObjectStore,
  RangeOptions,
  RangeResult,
  StoreChange,
  StoreEntry,
  StoreWatch,
  WriteResult,
} from './object-store.js';
