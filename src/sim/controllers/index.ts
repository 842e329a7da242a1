export { unsettled } from './cluster-settled.js';
export { upgradeControlPlaneImages } from './control-plane-upgrade.js';
export type { Controller, ControllerContext } from './controller-context.js';
export { upgradeKubelet } from './kubelet-upgrade.js';
export { NodeAgents } from './node-agents.js';
export { type RunningControllers, startControllers } from './run-controllers.js';
export { simAnnotations } from './sim-annotations.js';
export { type SimLog, silentLog } from './sim-log.js';
