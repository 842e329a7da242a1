export {
  type AdminHandler,
  type AdminRequest,
  type ApiServer,
  type ApiServerOptions,
  createApiServer,
  type ObservedRequest,
  type VersionInfo,
} from './api-server.js';
export { FaultInjector, type FaultSettings } from './fault-injector.js';
export { type KubeconfigOptions, renderKubeconfig } from './kubeconfig.js';
