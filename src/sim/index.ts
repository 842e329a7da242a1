export { ScaledClock } from './clock/scaled-clock.js';
export { simAnnotations } from './controllers/sim-annotations.js';
export {
  type KubernetesRelease,
  kubernetesReleases,
  loadScenario,
  parseScenario,
  parseScenarioYaml,
  type Scenario,
  ScenarioError,
  type ScenarioInput,
  shippedScenarioNames,
} from './scenarios/index.js';
export { type Simulator, type SimulatorOptions, startSimulator } from './simulator.js';
export type { KubeObject, Registry, ResourceRef } from './types.js';
export { StatusError } from './types.js';
