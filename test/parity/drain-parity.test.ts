import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { kubeDrainPorts } from '../../src/adapters/k8s/drain-adapters.js';
import { drainNodes } from '../../src/ops/drain/drain-nodes.js';
import type { DrainOptions } from '../../src/ops/drain/drain-ports.js';
import { systemClock } from '../../src/shared/clock.js';
import { startSimulator } from '../../src/sim/index.js';
import { Kubectl } from '../support/kubectl.js';

/**
 * bosun's drain and the real `kubectl drain`, each against a fresh copy of the same scenario, with equivalent
 * flags: the same pods evicted, the same pods refused with the same reasons, the same node state. Pods are
 * compared by what they are (namespace, owner kind and name; the pod name for bare pods), since controller
 * pod names are random per copy.
 */

interface Flags {
  ignoreDaemonSets: boolean;
  force?: boolean;
  deleteEmptyDirData?: boolean;
  podSelector?: string;
  timeoutSeconds?: number;
}

interface Observed {
  evicted: string[];
  remaining: string[];
  refused: Array<{ reason: string; pods: string[] }>;
  unschedulable: boolean;
}

const NODE = 'worker-1';

/** A scenario file of test/parity/scenarios. */
const scenarioFile = (name: string) => fileURLToPath(new URL(`./scenarios/${name}.yaml`, import.meta.url));

/** What a pod is, independent of its random name. */
function identity(pod: V1Pod): string {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
  const ns = pod.metadata?.namespace ?? '';
  if (!owner || owner.kind === 'StatefulSet') return `${ns}/Pod/${pod.metadata?.name ?? ''}`;
  return `${ns}/${owner.kind}/${owner.name}`;
}

async function podsOn(core: CoreV1Api, node: string): Promise<V1Pod[]> {
  return (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
}

async function observe(
  core: CoreV1Api,
  everyPod: V1Pod[],
  refused: Array<{ reason: string; pods: string[] }>,
): Promise<Observed> {
  const before = everyPod.filter(notDaemonOrMirror);
  const after = new Set((await podsOn(core, NODE)).map((p) => p.metadata?.uid));
  const byName = new Map(everyPod.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, identity(p)]));
  return {
    evicted: before
      .filter((p) => !after.has(p.metadata?.uid))
      .map(identity)
      .sort(),
    remaining: before
      .filter((p) => after.has(p.metadata?.uid))
      .map(identity)
      .sort(),
    refused: refused
      .map((r) => ({ reason: r.reason, pods: r.pods.map((p) => byName.get(p) ?? p).sort() }))
      .sort((a, b) => a.reason.localeCompare(b.reason)),
    unschedulable: (await core.readNode({ name: NODE })).spec?.unschedulable === true,
  };
}

async function withCopy<T>(
  scenario: string,
  work: (sim: Awaited<ReturnType<typeof startSimulator>>, core: CoreV1Api) => Promise<T>,
) {
  const sim = await startSimulator({ scenario: scenarioFile(scenario), timeScale: 0.05 });
  try {
    await sim.settled({ timeoutMs: 30_000 });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    return await work(sim, kc.makeApiClient(CoreV1Api));
  } finally {
    await sim.stop();
  }
}

async function bosunDrain(scenario: string, flags: Flags): Promise<Observed> {
  return await withCopy(scenario, async (sim, core) => {
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig());
    const before = await podsOn(core, NODE);
    const options: DrainOptions = {
      nodes: [NODE],
      ignoreDaemonSets: flags.ignoreDaemonSets,
      force: flags.force ?? false,
      deleteEmptyDirData: flags.deleteEmptyDirData ?? false,
      podSelector: flags.podSelector,
      timeoutSeconds: flags.timeoutSeconds ?? 120,
    };
    const state = await drainNodes(kubeDrainPorts(kc, 'parity', systemClock), options, {
      signal: new AbortController().signal,
    });
    const drain = state.nodes[0];
    const refused = [
      ...(drain?.errors ?? []).map((e) => ({ reason: e.message, pods: e.pods })),
      ...(drain?.pods ?? [])
        .filter((p) => p.state === 'failed' || p.state === 'timed-out')
        .map((p) => ({ reason: kubectlReason(p.reason ?? ''), pods: [`${p.namespace}/${p.name}`] })),
    ];
    return await observe(core, before, refused);
  });
}

async function kubectlDrain(scenario: string, flags: Flags): Promise<Observed & { exitCode: number }> {
  return await withCopy(scenario, async (sim, core) => {
    const kubectl = await Kubectl.forKubeconfig(sim.kubeconfig());
    try {
      const before = await podsOn(core, NODE);
      const args = ['drain', NODE];
      if (flags.ignoreDaemonSets) args.push('--ignore-daemonsets');
      if (flags.force) args.push('--force');
      if (flags.deleteEmptyDirData) args.push('--delete-emptydir-data');
      if (flags.podSelector) args.push(`--pod-selector=${flags.podSelector}`);
      if (flags.timeoutSeconds) args.push(`--timeout=${flags.timeoutSeconds}s`);
      const result = await kubectl.run(args, { timeoutMs: 90_000 });
      return { ...(await observe(core, before, kubectlRefusals(result.stderr))), exitCode: result.exitCode };
    } finally {
      await kubectl.dispose();
    }
  });
}

function notDaemonOrMirror(pod: V1Pod): boolean {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller);
  return (
    owner?.kind !== 'DaemonSet' && pod.metadata?.annotations?.['kubernetes.io/config.mirror'] === undefined
  );
}

/** The pod-independent part of an eviction error: `global timeout reached: 12s`, the server's message. */
function kubectlReason(reason: string): string {
  return reason.replace(/^error when evicting pods\/"[^"]+" -n "[^"]+": /, '');
}

/**
 * kubectl's refusals, each once (it prints them twice: when the node fails and again at the end):
 * `cannot delete <why>: ns/a, ns/b`, and `error when evicting pods/"p" -n "ns": <why>`. kubectl 1.32 doubles
 * the words of one message ("cannot delete cannot delete Pods that declare no controller"), which later
 * kubectl versions fixed; bosun says it once, and the comparison reads them as the same reason.
 */
function kubectlRefusals(stderr: string): Array<{ reason: string; pods: string[] }> {
  const refusals = new Map<string, { reason: string; pods: string[] }>();
  for (const match of stderr.matchAll(
    /((?:cannot delete )+[^:\]]+): ((?:[a-z0-9.-]+\/[a-z0-9.-]+)(?:, [a-z0-9.-]+\/[a-z0-9.-]+)*)/g,
  )) {
    const reason = (match[1] ?? '').replace(/^(cannot delete )+/, 'cannot delete ');
    refusals.set(reason, { reason, pods: (match[2] ?? '').split(', ') });
  }
  const evictions = new Map<string, string>();
  for (const match of stderr.matchAll(/error when evicting pods\/"([^"]+)" -n "([^"]+)": ([^\n\]]+)/g)) {
    evictions.set(`${match[2]}/${match[1]}`, (match[3] ?? '').replace(/, continuing command\.\.\.$/, ''));
  }
  return [...refusals.values(), ...[...evictions].map(([pod, reason]) => ({ reason, pods: [pod] }))];
}

const DS_FATAL = 'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';

/** Each case, and what it must show (beyond bosun and kubectl agreeing) so that it tests what it says. */
const CASES: Array<{ name: string; scenario: string; flags: Flags; shows: Record<string, unknown> }> = [
  {
    name: 'plain drain, DaemonSet pods ignored',
    scenario: 'plain',
    flags: { ignoreDaemonSets: true },
    shows: { remaining: [], refused: [], unschedulable: true },
  },
  {
    name: 'DaemonSet pods without --ignore-daemonsets: refused',
    scenario: 'daemonset',
    flags: { ignoreDaemonSets: false },
    shows: {
      evicted: [],
      refused: [
        { reason: DS_FATAL, pods: ['kube-system/DaemonSet/kube-proxy', 'monitoring/DaemonSet/agent'] },
      ],
      unschedulable: true,
    },
  },
  {
    name: 'bare pod without --force: refused',
    scenario: 'bare-pod',
    flags: { ignoreDaemonSets: true },
    shows: {
      evicted: [],
      refused: [
        {
          reason: 'cannot delete Pods that declare no controller (use --force to override)',
          pods: ['shop/Pod/debug'],
        },
      ],
      unschedulable: true,
    },
  },
  {
    name: 'bare pod with --force: deleted',
    scenario: 'bare-pod',
    flags: { ignoreDaemonSets: true, force: true },
    shows: { evicted: expect.arrayContaining(['shop/Pod/debug']), remaining: [], refused: [] },
  },
  {
    name: 'emptyDir pod without --delete-emptydir-data: refused',
    scenario: 'emptydir',
    flags: { ignoreDaemonSets: true },
    shows: {
      evicted: [],
      refused: [
        {
          reason: 'cannot delete Pods with local storage (use --delete-emptydir-data to override)',
          pods: [expect.stringMatching(/^shop\/ReplicaSet\/cache-/)],
        },
      ],
    },
  },
  {
    name: 'emptyDir pod with --delete-emptydir-data: evicted',
    scenario: 'emptydir',
    flags: { ignoreDaemonSets: true, deleteEmptyDirData: true },
    shows: {
      evicted: expect.arrayContaining([expect.stringMatching(/^shop\/ReplicaSet\/cache-/)]),
      remaining: [],
      refused: [],
    },
  },
  {
    name: 'PDB at zero with a short timeout: the node stays cordoned',
    scenario: 'pdb-at-zero',
    flags: { ignoreDaemonSets: true, timeoutSeconds: 12 },
    shows: {
      remaining: [expect.stringMatching(/^shop\/ReplicaSet\/ledger-/)],
      refused: [
        {
          reason: 'global timeout reached: 12s',
          pods: [expect.stringMatching(/^shop\/ReplicaSet\/ledger-/)],
        },
      ],
      unschedulable: true,
    },
  },
  {
    name: '--pod-selector',
    scenario: 'pod-selector',
    flags: { ignoreDaemonSets: true, podSelector: 'app=api' },
    shows: { evicted: [expect.stringMatching(/^shop\/ReplicaSet\/api-/)], refused: [] },
  },
  {
    name: 'finished pods are deleted',
    scenario: 'finished-pods',
    flags: { ignoreDaemonSets: true },
    // CoreDNS comes up first, one replica each on worker-1 and worker-2: it is evicted beside the Jobs' pods.
    shows: {
      evicted: [
        'batch/Job/broken',
        'batch/Job/report',
        expect.stringMatching(/^kube-system\/ReplicaSet\/coredns-/),
      ],
      remaining: [],
      refused: [],
    },
  },
];

describe('drain parity with kubectl drain', () => {
  it.each(CASES)(
    '$name',
    async ({ scenario, flags, shows }) => {
      const [bosun, kubectl] = await Promise.all([
        bosunDrain(scenario, flags),
        kubectlDrain(scenario, flags),
      ]);
      const { exitCode, ...theirs } = kubectl;
      expect(bosun).toEqual(theirs);
      expect(bosun).toMatchObject(shows);
      expect(exitCode).toBe(bosun.refused.length > 0 ? 1 : 0);
    },
    120_000,
  );
});
