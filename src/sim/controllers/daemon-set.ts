import type { KubeObject } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { syncControllerRevisions } from './controller-revisions.js';
import { createPodRecorded, deletePodRecorded } from './events.js';
import { objectKey } from './informer.js';
import { scaledIntOrPercent } from './int-or-percent.js';
import { podMatchesNode } from './node-affinity.js';
import { controllerRefOf, isControlledBy } from './owner-references.js';
import { type PodTemplate, podFromTemplate } from './pod-template.js';
import { isPodReady, isTerminating } from './pods.js';
import { resources } from './resources.js';
import { writeStatus } from './status-writer.js';
import { templateHash } from './template-hash.js';
import { type Taint, type Toleration, tolerated } from './tolerations.js';
import { WorkQueue } from './work-queue.js';

/** The tolerations every DaemonSet pod gets (pkg/controller/daemon/util AddOrUpdateDaemonPodTolerations). */
export function daemonPodTolerations(template: PodTemplate): Toleration[] {
  const own = ((template.spec?.tolerations as Toleration[] | undefined) ?? []).slice();
  const automatic: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (template.spec?.hostNetwork === true) {
    automatic.push({
      key: 'node.kubernetes.io/network-unavailable',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
  }
  for (const toleration of automatic) {
    const present = own.some(
      (t) => t.key === toleration.key && t.effect === toleration.effect && t.operator === 'Exists',
    );
    if (!present) own.push(toleration);
  }
  return own;
}

/** The node a daemon pod belongs to: where it runs, or where its matchFields affinity sends it. */
function targetNode(pod: KubeObject): string | undefined {
  if (typeof pod.spec?.nodeName === 'string') return pod.spec.nodeName;
  const terms: Array<{ matchFields?: Array<{ key: string; values?: string[] }> }> =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms[0]?.matchFields?.find((f) => f.key === 'metadata.name')?.values?.[0];
}

/** NodeShouldRunDaemonPod: may a new pod go there, and may an existing one stay. */
function placement(
  node: KubeObject,
  template: PodTemplate,
  tolerations: Toleration[],
): { run: boolean; stay: boolean } {
  const probe: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: template.spec ?? {} };
  if (!podMatchesNode(probe, node)) return { run: false, stay: false };
  let run = true;
  for (const taint of (node.spec?.taints ?? []) as Taint[]) {
    if (tolerated(tolerations, taint)) continue;
    if (taint.effect === 'NoExecute') return { run: false, stay: false };
    if (taint.effect === 'NoSchedule') run = false;
  }
  return { run, stay: true };
}

/**
 * The DaemonSet controller: one pod per eligible node, cordoned nodes included (the pods tolerate the
 * unschedulable taint among the automatic tolerations), pinned with a matchFields node affinity and bound by
 * the scheduler. A deleted pod is recreated on its node; template changes roll out within maxUnavailable.
 */
export function startDaemonSetController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const daemonSets = informers.for(resources.daemonSets);
  const nodes = informers.for(resources.nodes);
  const pods = informers.for(resources.pods);
  const revisions = informers.for(resources.controllerRevisions);
  const recorder = context.events.legacy('daemonset-controller');

  const deletePod = async (pod: KubeObject) => {
    const name = pod.metadata.name ?? '';
    const ref = controllerRefOf(pod);
    const ds = ref ? daemonSets.get(pod.metadata.namespace, ref.name) : undefined;
    const remove = () => registry.delete(resources.pods, pod.metadata.namespace, name);
    const deleted = ds ? await deletePodRecorded(recorder, ds, name, remove) : await remove();
    pods.observeDeletion(deleted);
  };

  const reconcile = async (key: string) => {
    const slash = key.indexOf('/');
    const ds = daemonSets.get(key.slice(0, slash), key.slice(slash + 1));
    if (!ds || isTerminating(ds)) return;
    const namespace = ds.metadata.namespace;
    const template: PodTemplate = ds.spec?.template ?? {};
    const tolerations = daemonPodTolerations(template);
    const hash = templateHash(template);
    const generation = String(ds.metadata.generation ?? 1);
    const owned = pods.inNamespace(namespace).filter((pod) => isControlledBy(pod, ds));
    await syncControllerRevisions({
      registry,
      revisions,
      owner: ds,
      template,
      hash,
      hashLabel: 'controller-revision-hash',
      inUse: new Set(
        owned.map(
          (pod) => `${ds.metadata.name ?? ''}-${pod.metadata.labels?.['controller-revision-hash'] ?? ''}`,
        ),
      ),
    });
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of owned) {
      const node = targetNode(pod);
      if (node === undefined) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }

    let desired = 0;
    let scheduled = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    const outdated: KubeObject[] = [];
    for (const node of nodes.list()) {
      const nodeName = node.metadata.name ?? '';
      const { run, stay } = placement(node, template, tolerations);
      const here = byNode.get(nodeName) ?? [];
      byNode.delete(nodeName);
      const failed = here.filter((pod) => pod.status?.phase === 'Failed' && !isTerminating(pod));
      for (const pod of failed) await deletePod(pod);
      const live = here.filter((pod) => !isTerminating(pod) && pod.status?.phase !== 'Failed');
      if (run) desired++;
      if (!stay) {
        for (const pod of live) await deletePod(pod);
        continue;
      }
      if (live.length === 0) {
        if (!run) continue;
        const pod = podFromTemplate(template, ds, {
          labels: { 'controller-revision-hash': hash, 'pod-template-generation': generation },
          spec: {
            tolerations,
            affinity: {
              ...(template.spec?.affinity as Record<string, unknown> | undefined),
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
                  ],
                },
              },
            },
          },
        });
        pods.observe(
          await createPodRecorded(recorder, ds, () => registry.create(resources.pods, namespace, pod)),
        );
        scheduled++;
        continue;
      }
      const [keep, ...extra] = [...live].sort((a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
      );
      for (const pod of extra) await deletePod(pod);
      if (!keep) continue;
      if (run) scheduled++;
      else misscheduled++;
      if (isPodReady(keep)) ready++;
      if (keep.metadata.labels?.['controller-revision-hash'] === hash) updated++;
      else outdated.push(keep);
    }
    // Pods for nodes that no longer exist.
    for (const orphaned of byNode.values())
      for (const pod of orphaned) if (!isTerminating(pod)) await deletePod(pod);

    const strategy = ds.spec?.updateStrategy ?? {};
    if (strategy.type !== 'OnDelete' && outdated.length > 0) {
      const maxUnavailable = Math.max(
        1,
        scaledIntOrPercent(strategy.rollingUpdate?.maxUnavailable ?? 1, desired, true),
      );
      let budget = maxUnavailable - (desired - ready);
      const order = [...outdated].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)));
      for (const pod of order) {
        if (isPodReady(pod) && budget <= 0) break;
        await deletePod(pod);
        if (isPodReady(pod)) budget--;
      }
    }

    await writeStatus(registry, resources.daemonSets, daemonSets, ds, {
      currentNumberScheduled: scheduled,
      desiredNumberScheduled: desired,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      updatedNumberScheduled: updated,
      numberAvailable: ready,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : { numberUnavailable: undefined }),
      observedGeneration: ds.metadata.generation ?? 1,
    });
  };

  const queue = new WorkQueue('daemonset', reconcile, clock, context.log);

  const all = () => {
    for (const ds of daemonSets.list()) queue.add(objectKey(ds));
  };

  const subscriptions = [
    daemonSets.on((_type, ds) => queue.add(objectKey(ds))),
    nodes.on(all),
    pods.on((_type, pod) => {
      const ref = controllerRefOf(pod);
      if (ref?.kind === 'DaemonSet') queue.add(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    }),
  ];

  return {
    name: 'daemonset',
    start: all,
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
