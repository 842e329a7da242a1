/** A scenario that cannot be loaded; `problems` lists every one with its path, e.g. `workloads[2].replicas: …`. */
export class ScenarioError extends Error {
  readonly code = 'SCENARIO_INVALID';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`scenario ${source} is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}
