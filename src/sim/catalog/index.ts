export { BUILTIN_RESOURCES } from './builtin-resources.js';
export { customResourceInfo, ResourceCatalog } from './resource-catalog.js';
