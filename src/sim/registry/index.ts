export { FieldSelector } from './field-selector.js';
export { LabelSelector } from './label-selector.js';
export { rfc3339 } from './rfc3339.js';
export { createRegistry, type RegistryOptions, SimRegistry } from './sim-registry.js';
export {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  internalError,
  invalid,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  qualifiedResource,
  statusSuccess,
} from './status-errors.js';
