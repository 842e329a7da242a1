export { applyScenario } from './apply-scenario.js';
export { loadScenario, parseScenario, parseScenarioYaml, shippedScenarioNames } from './load-scenario.js';
export { type KubernetesRelease, kubernetesReleases } from './releases.js';
export { ScenarioError } from './scenario-error.js';
export { type Scenario, type ScenarioInput, scenarioSchema } from './scenario-schema.js';
