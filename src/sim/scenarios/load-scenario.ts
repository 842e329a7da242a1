import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { z } from 'zod';
import { nodeNames } from './node-names.js';
import { ScenarioError } from './scenario-error.js';
import { type Scenario, type ScenarioInput, scenarioSchema } from './scenario-schema.js';

const shippedDir = fileURLToPath(new URL('.', import.meta.url));

function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text || '(top level)';
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
}

/** Checks that need the whole scenario: placements name real nodes, names are unique. */
function crossCheck(scenario: Scenario): string[] {
  const problems: string[] = [];
  const nodes = new Set(nodeNames(scenario).flat());
  const seen = new Set<string>();
  scenario.workloads.forEach((workload, index) => {
    const key = `${workload.kind}/${workload.namespace}/${workload.name}`;
    if (seen.has(key))
      problems.push(
        `workloads[${index}].name: duplicate ${workload.kind} ${workload.namespace}/${workload.name}`,
      );
    seen.add(key);
    workload.placement?.nodes.forEach((node, n) => {
      if (!nodes.has(node)) {
        problems.push(
          `workloads[${index}].placement.nodes[${n}]: no node named ${node} (nodes: ${[...nodes].join(', ')})`,
        );
      }
    });
  });
  const budgets = new Set<string>();
  const budgetName = (namespace: string, name: string, path: string) => {
    const key = `${namespace}/${name}`;
    if (budgets.has(key)) problems.push(`${path}: duplicate PodDisruptionBudget ${key}`);
    budgets.add(key);
  };
  scenario.workloads.forEach((w, index) => {
    if (w.pdb) budgetName(w.namespace, w.pdb.name ?? `${w.name}-pdb`, `workloads[${index}].pdb`);
  });
  scenario.pdbs.forEach((b, index) => {
    budgetName(b.namespace, b.name, `pdbs[${index}].name`);
  });
  return problems;
}

/**
 * Scenarios that went through parseScenario. Parsing is not idempotent (durations become milliseconds), so a
 * parsed scenario handed back to loadScenario must be used as it is, not parsed again.
 */
const parsedScenarios = new WeakSet<object>();

/** Validates a scenario object; every problem is reported at once, each with its path. */
export function parseScenario(input: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) throw new ScenarioError(source, formatIssues(result.error));
  const problems = crossCheck(result.data);
  if (problems.length > 0) throw new ScenarioError(source, problems);
  parsedScenarios.add(result.data);
  return result.data;
}

/** Parses scenario YAML; YAML syntax errors are reported like validation problems. */
export function parseScenarioYaml(text: string, source = 'scenario'): Scenario {
  let document: unknown;
  try {
    document = YAML.parse(text);
  } catch (error) {
    throw new ScenarioError(source, [`YAML: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseScenario(document, source);
}

/** The scenarios that ship with bosun (`small`, `busy`, `mixed-versions`, …). */
export async function shippedScenarioNames(): Promise<string[]> {
  const files = await readdir(shippedDir);
  return files
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * A scenario by shipped name (`small`), by YAML file path, or as an object already in memory.
 * A bare name that is not shipped is tried as a path, so `./my-cluster.yaml` and `my-cluster.yaml` both work.
 */
export async function loadScenario(spec: string | ScenarioInput | Scenario): Promise<Scenario> {
  if (typeof spec !== 'string') {
    if (parsedScenarios.has(spec)) return spec as Scenario;
    return parseScenario(spec, `"${spec.name ?? 'object'}"`);
  }
  const shipped = await shippedScenarioNames();
  if (shipped.includes(spec)) {
    return parseScenarioYaml(await readFile(join(shippedDir, `${spec}.yaml`), 'utf8'), `"${spec}"`);
  }
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ScenarioError(`"${spec}"`, [
      `not a shipped scenario (${shipped.join(', ')}) and not a readable file: ${reason}`,
    ]);
  }
  return parseScenarioYaml(text, `"${spec}"`);
}
