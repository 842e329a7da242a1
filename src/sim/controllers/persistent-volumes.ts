import { type KubeObject, type ResourceRef, StatusError } from '../types.js';
import type { Controller, ControllerContext } from './controller-context.js';
import { isFinished } from './pods.js';
import { resources } from './resources.js';
import { writeStatus } from './status-writer.js';
import {
  volumeAnnotations as a,
  claimNamesOf,
  isWaitForFirstConsumer,
  LOCAL_PROVISIONER,
  NETWORK_PROVISIONER,
  PV_PROTECTION,
  PVC_PROTECTION,
} from './volumes.js';
import { WorkQueue } from './work-queue.js';

const CLAIM = 'claim:';
const VOLUME = 'volume:';

function localVolumeSource(claim: KubeObject, node: string) {
  const dir = `pvc-${claim.metadata.uid ?? ''}_${claim.metadata.namespace ?? ''}_${claim.metadata.name ?? ''}`;
  return {
    local: { path: `/opt/local-path-provisioner/${dir}` },
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
        ],
      },
    },
  };
}

/**
 * The persistent volume controller with the simulator's two provisioners, and the pvc- and pv-protection
 * controllers. A claim of an `Immediate` class is provisioned at once; one of a `WaitForFirstConsumer` class
 * once the scheduler has chosen a node for its first pod (`volume.kubernetes.io/selected-node`). The local
 * provisioner's volumes carry `nodeAffinity` to that node. Provisioned volumes are `pvc-<claim uid>`, bound
 * both ways (claimRef, volumeName, phases Bound); a claim gone releases its volume, which reclaim policy
 * Delete removes. A deleted claim keeps its protection finalizer while a pod uses it; a deleted volume while
 * it is Bound.
 */
export function startPersistentVolumeController(context: ControllerContext): Controller {
  const { registry, clock, informers } = context;
  const claims = informers.for(resources.persistentVolumeClaims);
  const volumes = informers.for(resources.persistentVolumes);
  const classes = informers.for(resources.storageClasses);
  const pods = informers.for(resources.pods);

  const dropFinalizer = async (ref: ResourceRef, object: KubeObject, finalizer: string) => {
    const finalizers = (object.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    try {
      // The watch tells the caches; the object may be gone with this write.
      await registry.update(ref, object.metadata.namespace, {
        ...object,
        metadata: { ...object.metadata, finalizers },
      });
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 404)) throw error;
    }
  };

  const claimInUse = (claim: KubeObject): boolean =>
    pods
      .inNamespace(claim.metadata.namespace)
      .some((pod) => !isFinished(pod) && claimNamesOf(pod).includes(claim.metadata.name ?? ''));

  const provision = async (claim: KubeObject, storageClass: KubeObject, node: string | undefined) => {
    const provisioner = String(storageClass.provisioner);
    const name = `pvc-${claim.metadata.uid ?? ''}`;
    const source =
      provisioner === LOCAL_PROVISIONER && node
        ? localVolumeSource(claim, node)
        : { csi: { driver: NETWORK_PROVISIONER, volumeHandle: name, fsType: 'ext4' } };
    const volume: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { [a.provisionedBy]: provisioner } },
      spec: {
        accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
        capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name: claim.metadata.name,
          namespace: claim.metadata.namespace,
          uid: claim.metadata.uid,
          resourceVersion: claim.metadata.resourceVersion,
        },
        persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
        storageClassName: storageClass.metadata.name,
        volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
        ...source,
      },
    };
    let created: KubeObject;
    try {
      created = await registry.create(resources.persistentVolumes, undefined, volume);
    } catch (error) {
      if (!(error instanceof StatusError && error.code === 409)) throw error;
      created = await registry.get(resources.persistentVolumes, undefined, name);
    }
    volumes.observe(created);
    return created;
  };

  const reconcileClaim = async (namespace: string, name: string) => {
    const claim = claims.get(namespace, name);
    if (!claim) return;
    if (claim.metadata.deletionTimestamp) {
      if ((claim.metadata.finalizers ?? []).includes(PVC_PROTECTION) && !claimInUse(claim))
        await dropFinalizer(resources.persistentVolumeClaims, claim, PVC_PROTECTION);
      return;
    }
    const boundTo: unknown = claim.spec?.volumeName;
    if (typeof boundTo === 'string' && boundTo) {
      const volume = volumes.get(undefined, boundTo);
      if (!volume) {
        await writeStatus(registry, resources.persistentVolumeClaims, claims, claim, { phase: 'Lost' });
        return;
      }
      if (volume.spec?.claimRef?.uid !== claim.metadata.uid) return;
      await writeStatus(registry, resources.persistentVolumes, volumes, volume, { phase: 'Bound' });
      await writeStatus(registry, resources.persistentVolumeClaims, claims, claim, {
        phase: 'Bound',
        accessModes: volume.spec?.accessModes,
        capacity: volume.spec?.capacity,
      });
      return;
    }
    const storageClass = classes.get(undefined, claim.spec?.storageClassName ?? '');
    if (!storageClass) return;
    const provisioner: unknown = storageClass.provisioner;
    if (provisioner !== NETWORK_PROVISIONER && provisioner !== LOCAL_PROVISIONER) return;
    const node = claim.metadata.annotations?.[a.selectedNode];
    if (isWaitForFirstConsumer(storageClass) && !node) return;
    const volume = await provision(claim, storageClass, node);
    const bound = await registry.update(resources.persistentVolumeClaims, namespace, {
      ...claim,
      metadata: {
        ...claim.metadata,
        annotations: {
          ...claim.metadata.annotations,
          [a.bindCompleted]: 'yes',
          [a.boundByController]: 'yes',
          [a.betaStorageProvisioner]: provisioner,
          [a.storageProvisioner]: provisioner,
        },
      },
      spec: { ...claim.spec, volumeName: volume.metadata.name },
    });
    claims.observe(bound);
    queue.add(`${CLAIM}${namespace}/${name}`);
  };

  const reconcileVolume = async (name: string) => {
    let volume = volumes.get(undefined, name);
    if (!volume) return;
    const ref = volume.spec?.claimRef;
    const claim = ref ? claims.get(ref.namespace, ref.name) : undefined;
    const claimed = claim !== undefined && (!ref?.uid || claim.metadata.uid === ref.uid);
    if (!ref) {
      volume = await writeStatus(registry, resources.persistentVolumes, volumes, volume, {
        phase: 'Available',
      });
    } else if (!claimed && (volume.status?.phase === 'Bound' || volume.status?.phase === 'Released')) {
      // The claim is gone: the volume is released and, with reclaim policy Delete, deleted.
      volume = await writeStatus(registry, resources.persistentVolumes, volumes, volume, {
        phase: 'Released',
      });
      if (volume.spec?.persistentVolumeReclaimPolicy === 'Delete' && !volume.metadata.deletionTimestamp) {
        try {
          volume = await registry.delete(resources.persistentVolumes, undefined, name);
          volumes.observeDeletion(volume);
        } catch (error) {
          if (!(error instanceof StatusError && error.code === 404)) throw error;
          return;
        }
      }
    }
    // pv-protection: a deleted volume goes once nothing is bound to it.
    if (
      volume.metadata.deletionTimestamp &&
      (volume.metadata.finalizers ?? []).includes(PV_PROTECTION) &&
      volume.status?.phase !== 'Bound'
    )
      await dropFinalizer(resources.persistentVolumes, volume, PV_PROTECTION);
  };

  const reconcile = async (key: string) => {
    if (key.startsWith(VOLUME)) return await reconcileVolume(key.slice(VOLUME.length));
    const rest = key.slice(CLAIM.length);
    const slash = rest.indexOf('/');
    await reconcileClaim(rest.slice(0, slash), rest.slice(slash + 1));
  };

  const queue = new WorkQueue('persistentvolume', reconcile, clock, context.log);
  const claimKey = (namespace: string | undefined, name: string) => `${CLAIM}${namespace ?? ''}/${name}`;

  const subscriptions = [
    claims.on((type, claim) => {
      if (type !== 'DELETED') queue.add(claimKey(claim.metadata.namespace, claim.metadata.name ?? ''));
      const volumeName: unknown = claim.spec?.volumeName;
      if (typeof volumeName === 'string' && volumeName) queue.add(`${VOLUME}${volumeName}`);
    }),
    volumes.on((type, volume) => {
      if (type !== 'DELETED') queue.add(`${VOLUME}${volume.metadata.name ?? ''}`);
      const ref = volume.spec?.claimRef;
      if (ref?.name) queue.add(claimKey(ref.namespace, ref.name));
    }),
    classes.on(() => {
      for (const claim of claims.list())
        if (!claim.spec?.volumeName) queue.add(claimKey(claim.metadata.namespace, claim.metadata.name ?? ''));
    }),
    // A pod going may release a claim that is being deleted.
    pods.on((type, pod) => {
      if (type !== 'DELETED' && !isFinished(pod)) return;
      for (const name of claimNamesOf(pod)) {
        const claim = claims.get(pod.metadata.namespace, name);
        if (claim?.metadata.deletionTimestamp) queue.add(claimKey(pod.metadata.namespace, name));
      }
    }),
  ];

  return {
    name: 'persistentvolume',
    start() {
      for (const claim of claims.list())
        queue.add(claimKey(claim.metadata.namespace, claim.metadata.name ?? ''));
      for (const volume of volumes.list()) queue.add(`${VOLUME}${volume.metadata.name ?? ''}`);
    },
    async stop() {
      for (const unsubscribe of subscriptions) unsubscribe();
      await queue.stop();
    },
  };
}
