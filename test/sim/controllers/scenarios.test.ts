import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadScenario,
  parseScenarioYaml,
  shippedScenarioNames,
} from '../../../src/sim/scenarios/load-scenario.js';
import { kubernetesReleases } from '../../../src/sim/scenarios/releases.js';
import { ScenarioError } from '../../../src/sim/scenarios/scenario-error.js';
import { scenarioObjects } from '../../../src/sim/scenarios/scenario-objects.js';
import type { Scenario } from '../../../src/sim/scenarios/scenario-schema.js';
import type { KubeObject } from '../../../src/sim/types.js';

const now = new Date('2026-11-25T12:00:00Z');

/** Pods the scenario will run once settled: replicas, one per eligible node for DaemonSets, mirror pods. */
function expectedPodCount(scenario: Scenario): number {
  const { nodes, mirrorPods, objects } = scenarioObjects(scenario, now);
  const workers = nodes.filter((n) => !n.spec?.taints?.length).length;
  let count = mirrorPods.length;
  for (const object of objects) {
    if (object.kind === 'Deployment' || object.kind === 'StatefulSet') count += object.spec.replicas;
    if (object.kind === 'Job') count += object.spec.parallelism;
    if (object.kind === 'DaemonSet') {
      const tolerant = (object.spec.template.spec.tolerations ?? []).some(
        (t: { operator?: string; key?: string }) => t.operator === 'Exists' && !t.key,
      );
      count += tolerant ? nodes.length : workers;
    }
  }
  return count;
}

function names(objects: KubeObject[]): string[] {
  return objects.map((o) => o.metadata.name ?? '');
}

describe('shipped scenarios', () => {
  it('ships small, busy and mixed-versions', async () => {
    expect(await shippedScenarioNames()).toEqual(expect.arrayContaining(['busy', 'mixed-versions', 'small']));
  });

  it('small: control-plane-1 and worker-1..3, PDBs allowing one disruption, a DaemonSet, no bare pods', async () => {
    const scenario = await loadScenario('small');
    const { nodes, objects } = scenarioObjects(scenario, now);
    expect(names(nodes)).toEqual(['control-plane-1', 'worker-1', 'worker-2', 'worker-3']);
    expect(objects.filter((o) => o.kind === 'Pod')).toHaveLength(0);
    expect(objects.some((o) => o.kind === 'DaemonSet' && o.metadata.namespace !== 'kube-system')).toBe(true);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget').length).toBeGreaterThanOrEqual(2);
    expect(scenario.kubernetesVersion).toMatch(/^v1\.31\./);
  });

  it('busy: 3 control planes, 20 workers, about 500 pods, ledger pinned to worker-20 with a budget of 0', async () => {
    const scenario = await loadScenario('busy');
    const { nodes, objects } = scenarioObjects(scenario, now);
    expect(nodes.filter((n) => n.metadata.name?.startsWith('control-plane-'))).toHaveLength(3);
    expect(nodes.filter((n) => n.metadata.name?.startsWith('worker-'))).toHaveLength(20);
    const pods = expectedPodCount(scenario);
    expect(pods).toBeGreaterThanOrEqual(480);
    expect(pods).toBeLessThanOrEqual(520);
    const ledger = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ledger');
    expect(
      ledger?.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
        .nodeSelectorTerms,
    ).toEqual([
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker-20'] }] },
    ]);
    const ledgerPdb = objects.find(
      (o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'ledger-pdb',
    );
    expect(ledgerPdb?.spec).toEqual({ selector: { matchLabels: { app: 'ledger' } }, maxUnavailable: 0 });
    expect(
      objects.some((o) => o.spec?.template?.spec?.volumes?.some((v: { emptyDir?: unknown }) => v.emptyDir)),
    ).toBe(true);
  });

  it('mixed-versions: control plane at v1.31, workers one and two minors behind', async () => {
    const { nodes } = scenarioObjects(await loadScenario('mixed-versions'), now);
    const versions: Record<string, string> = Object.fromEntries(
      nodes.map((n) => [n.metadata.name, n.status.nodeInfo.kubeletVersion]),
    );
    expect(versions['control-plane-1']).toMatch(/^v1\.31\./);
    expect(Object.keys(versions).filter((n) => n.startsWith('worker-'))).toHaveLength(5);
    expect(Object.values(versions).some((v) => v.startsWith('v1.30.'))).toBe(true);
    expect(Object.values(versions).some((v) => v.startsWith('v1.29.'))).toBe(true);
  });
});

describe('scenario objects', () => {
  it('gives kubeadm nodes their role label, control-plane taint and nodeInfo', async () => {
    const { nodes } = scenarioObjects(await loadScenario('small'), now);
    const [cp, worker] = nodes;
    expect(cp?.metadata.labels?.['node-role.kubernetes.io/control-plane']).toBe('');
    expect(cp?.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect(worker?.spec.taints).toBeUndefined();
    expect(worker?.status.nodeInfo).toMatchObject({
      kubeletVersion: 'v1.31.4',
      kubeProxyVersion: 'v1.31.4',
      containerRuntimeVersion: 'containerd://1.7.24',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      operatingSystem: 'linux',
    });
    expect(worker?.status.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
    });
  });

  it('puts kubeadm static pods on every control plane as mirror pods, and kube-proxy everywhere', async () => {
    const { mirrorPods, objects } = scenarioObjects(await loadScenario('busy'), now);
    expect(mirrorPods).toHaveLength(12);
    expect(names(mirrorPods)).toContain('kube-apiserver-control-plane-2');
    for (const pod of mirrorPods) {
      expect(pod.metadata.annotations?.['kubernetes.io/config.mirror']).toBeTruthy();
      expect(pod.metadata.namespace).toBe('kube-system');
    }
    const proxy = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'kube-proxy');
    expect(proxy?.kind).toBe('DaemonSet');
    expect(proxy?.spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('writes per-workload timing and grace into pod templates', () => {
    const scenario = parseScenarioYaml(
      [
        'name: timing',
        'nodes: [{ role: worker }]',
        'workloads:',
        '  - { kind: Deployment, name: slow, replicas: 1, startDelay: 2s, readinessDelay: 500ms, terminationGracePeriodSeconds: 5 }',
      ].join('\n'),
    );
    const deployment = scenarioObjects(scenario, now).objects.find((o) => o.metadata.name === 'slow');
    expect(deployment?.spec.template.metadata.annotations).toEqual({
      'sim.bosun.dev/start-delay-ms': '2000',
      'sim.bosun.dev/readiness-delay-ms': '500',
    });
    expect(deployment?.spec.template.spec.terminationGracePeriodSeconds).toBe(5);
    expect(deployment?.metadata.namespace).toBe('default');
  });

  it('uses a scenario that was parsed already as it is (durations are not read twice)', async () => {
    const parsed = parseScenarioYaml(
      [
        'name: again',
        'nodes: [{ role: worker }]',
        'workloads:',
        '  - { kind: Deployment, name: web, readinessDelay: 2s }',
      ].join('\n'),
    );
    const loaded = await loadScenario(parsed);
    expect(loaded).toBe(parsed);
    expect(loaded.workloads[0]?.readinessDelay).toBe(2000);
  });
});

describe('scenario errors', () => {
  it('lists every problem with its path', () => {
    const text = [
      'name: Broken_Name',
      'nodes: [{ role: master }]',
      'workloads:',
      '  - { kind: Deployment, name: web, replicas: three }',
      '  - { kind: Deployment, name: api, startDelay: soon }',
    ].join('\n');
    let error: unknown;
    try {
      parseScenarioYaml(text, 'broken.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const problems = (error as ScenarioError).problems.join('\n');
    expect(problems).toContain('name: expected a lowercase DNS label');
    expect(problems).toContain('nodes[0].role:');
    expect(problems).toContain('workloads[0].replicas:');
    expect(problems).toContain('workloads[1].startDelay: expected a duration like 500ms, 2s, 1m');
    expect((error as ScenarioError).message).toMatch(/^scenario broken\.yaml is invalid:\n {2}/);
  });

  it('refuses a placement on a node the scenario does not have', () => {
    expect(() =>
      parseScenarioYaml(
        'name: x\nnodes: [{ role: worker, count: 2 }]\nworkloads: [{ kind: Pod, name: p, placement: { nodes: [worker-3] } }]',
      ),
    ).toThrow('workloads[0].placement.nodes[0]: no node named worker-3 (nodes: worker-1, worker-2)');
  });

  it('reports unknown fields instead of ignoring them', () => {
    expect(() => parseScenarioYaml('name: x\nnodes: [{ role: worker, cpus: 4 }]')).toThrow(
      /nodes\[0\]: Unrecognized key/,
    );
  });

  it('reports YAML syntax errors', () => {
    expect(() => parseScenarioYaml('name: [unclosed', 'bad.yaml')).toThrow(
      /scenario bad\.yaml is invalid:\n {2}YAML: /,
    );
  });

  it('loads a scenario file by path and says clearly when neither name nor file exists', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bosun-scenario-'));
    try {
      const file = join(dir, 'mine.yaml');
      await writeFile(file, 'name: mine\nnodes: [{ role: control-plane }, { role: worker, count: 2 }]\n');
      const scenario = await loadScenario(file);
      expect(scenario.name).toBe('mine');
      await expect(loadScenario(join(dir, 'nope.yaml'))).rejects.toThrow(
        /not a shipped scenario \(.*small.*\) and not a readable file: no such file/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('kubernetesReleases', () => {
  it('knows minors through at least v1.33 with patch and end-of-life data', () => {
    const minors = kubernetesReleases.map((r) => r.minor);
    expect(minors).toEqual(expect.arrayContaining(['1.31', '1.32', '1.33']));
    for (const release of kubernetesReleases) {
      expect(release.latestPatch.startsWith(`v${release.minor}.`)).toBe(true);
      expect(release.endOfLife).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
