export { evictionHandler } from './eviction-handler.js';
