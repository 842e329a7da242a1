import type { Scenario } from './scenario-schema.js';

/** Node names in scenario order: `control-plane-1..N` and `worker-1..M`, numbered across groups. */
export function nodeNames(scenario: Pick<Scenario, 'nodes'>): string[][] {
  const counters = { 'control-plane': 0, worker: 0 };
  return scenario.nodes.map((group) =>
    Array.from({ length: group.count }, () => {
      counters[group.role] += 1;
      return `${group.role}-${counters[group.role]}`;
    }),
  );
}
