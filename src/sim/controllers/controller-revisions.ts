import { isDeepStrictEqual } from 'node:util';
import { type KubeObject, type Registry, StatusError } from '../types.js';
import type { Informer } from './informer.js';
import { controllerRefTo, isControlledBy } from './owner-references.js';
import { resources } from './resources.js';

/** What a revision holds: the patch that restores the template (`getPatch` of both controllers). */
function revisionData(template: unknown): unknown {
  return { spec: { template: { ...(template as Record<string, unknown>), $patch: 'replace' } } };
}

function revisionNumber(revision: KubeObject): number {
  return Number(revision.revision ?? 0);
}

/**
 * The ControllerRevisions of a DaemonSet or StatefulSet, kept as their controllers keep them
 * (pkg/controller/history): one per template, named `<owner>-<hash>`, labelled with the template's labels and
 * `hashLabel`, `data` the patch restoring the template; the current template's revision gets the next number
 * (a rollback renumbers the revision it returns to); past `revisionHistoryLimit` (10) the oldest unused go.
 */
export async function syncControllerRevisions(options: {
  registry: Registry;
  revisions: Informer;
  owner: KubeObject;
  template: { metadata?: { labels?: Record<string, string> } };
  hash: string;
  /** `controller-revision-hash` (DaemonSet) or `controller.kubernetes.io/hash` (StatefulSet). */
  hashLabel: string;
  /** Revision names pods still run (never pruned). */
  inUse: Set<string>;
}): Promise<KubeObject> {
  const { registry, revisions, owner, template, hash, hashLabel } = options;
  const namespace = owner.metadata.namespace;
  const name = `${owner.metadata.name ?? ''}-${hash}`;
  const owned = revisions.inNamespace(namespace).filter((revision) => isControlledBy(revision, owner));
  const highest = Math.max(0, ...owned.map(revisionNumber));
  let current = owned.find((revision) => revision.metadata.name === name);
  const data = revisionData(template);
  try {
    if (!current) {
      current = await registry.create(resources.controllerRevisions, namespace, {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name,
          namespace,
          labels: { ...template.metadata?.labels, [hashLabel]: hash },
          ownerReferences: [controllerRefTo(owner)],
        },
        data,
        revision: highest + 1,
      });
      revisions.observe(current);
    } else if (revisionNumber(current) < highest || !isDeepStrictEqual(current.data, data)) {
      current = await registry.update(resources.controllerRevisions, namespace, {
        ...current,
        data,
        revision: revisionNumber(current) < highest ? highest + 1 : revisionNumber(current),
      });
      revisions.observe(current);
    }
  } catch (error) {
    // A stale cache: the next reconcile sees the stored revisions.
    if (!(error instanceof StatusError && (error.code === 409 || error.code === 404))) throw error;
    if (!current) throw error;
  }
  const limit = Number(owner.spec?.revisionHistoryLimit ?? 10);
  const old = owned
    .filter((revision) => revision.metadata.name !== name && !options.inUse.has(revision.metadata.name ?? ''))
    .sort((a, b) => revisionNumber(a) - revisionNumber(b));
  for (const revision of old.slice(0, Math.max(0, old.length - limit))) {
    try {
      revisions.observeDeletion(
        await registry.delete(resources.controllerRevisions, namespace, revision.metadata.name ?? ''),
      );
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) throw error;
    }
  }
  return current;
}
