import type { KubeObject } from '../../types.js';
import { AGE_COLUMN, column, type KindPrinter, list, NAME_COLUMN, record, str } from './column.js';
import { ageOf } from './human-duration.js';

// printers.go of kubernetes/pkg/printers/internalversion (v1.31): persistentVolume, persistentVolumeClaim and
// storageClass column definitions and print functions.

const MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

/** `GetAccessModesAsString`: the short forms, each once, in the fixed order RWO, ROX, RWX, RWOP. */
function accessModes(modes: unknown): string {
  const given = new Set(list(modes).map(String));
  return Object.keys(MODES)
    .filter((mode) => given.has(mode))
    .map((mode) => MODES[mode])
    .join(',');
}

function storageOf(resources: unknown): string {
  return str(record(resources).storage);
}

function className(object: KubeObject): string {
  const beta = object.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return beta ?? str(record(object.spec).storageClassName);
}

const VOLUME_MODE = column(
  'VolumeMode',
  'string',
  'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.',
  1,
);

export const persistentVolumePrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column(
      'Capacity',
      'string',
      "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity",
    ),
    column(
      'Access Modes',
      'string',
      'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes',
    ),
    column(
      'Reclaim Policy',
      'string',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming',
    ),
    column(
      'Status',
      'string',
      'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase',
    ),
    column(
      'Claim',
      'string',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding',
    ),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column(
      'Reason',
      'string',
      'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.',
    ),
    AGE_COLUMN,
    VOLUME_MODE,
  ],
  cells(volume: KubeObject, now: number) {
    const spec = record(volume.spec);
    const status = record(volume.status);
    const claim = record(spec.claimRef);
    const phase = volume.metadata.deletionTimestamp ? 'Terminating' : str(status.phase);
    return [
      volume.metadata.name ?? '',
      storageOf(spec.capacity),
      accessModes(spec.accessModes),
      str(spec.persistentVolumeReclaimPolicy),
      phase,
      claim.name ? `${str(claim.namespace)}/${str(claim.name)}` : '',
      className(volume),
      str(spec.volumeAttributesClassName, '<unset>'),
      str(status.reason),
      ageOf(volume.metadata.creationTimestamp, now),
      str(spec.volumeMode, '<unset>'),
    ];
  },
};

export const persistentVolumeClaimPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    column(
      'Volume',
      'string',
      'volumeName is the binding reference to the PersistentVolume backing this claim.',
    ),
    column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    column(
      'Access Modes',
      'string',
      'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1',
    ),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    AGE_COLUMN,
    VOLUME_MODE,
  ],
  cells(claim: KubeObject, now: number) {
    const spec = record(claim.spec);
    const status = record(claim.status);
    const phase = claim.metadata.deletionTimestamp ? 'Terminating' : str(status.phase);
    const bound = str(spec.volumeName) !== '';
    return [
      claim.metadata.name ?? '',
      phase,
      str(spec.volumeName),
      bound ? storageOf(status.capacity) : '',
      bound ? accessModes(status.accessModes) : '',
      className(claim),
      str(status.currentVolumeAttributesClassName, '<unset>'),
      ageOf(claim.metadata.creationTimestamp, now),
      str(spec.volumeMode, '<unset>'),
    ];
  },
};

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

export const storageClassPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    column(
      'ReclaimPolicy',
      'string',
      'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.',
    ),
    column(
      'VolumeBindingMode',
      'string',
      'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.',
    ),
    column(
      'AllowVolumeExpansion',
      'string',
      'allowVolumeExpansion shows whether the storage class allow volume expand.',
    ),
    AGE_COLUMN,
  ],
  cells(storageClass: KubeObject, now: number) {
    const annotations = storageClass.metadata.annotations ?? {};
    const isDefault = annotations[DEFAULT_CLASS] === 'true' || annotations[BETA_DEFAULT_CLASS] === 'true';
    const object = storageClass as Record<string, unknown>;
    return [
      `${storageClass.metadata.name ?? ''}${isDefault ? ' (default)' : ''}`,
      str(object.provisioner),
      str(object.reclaimPolicy, 'Delete'),
      str(object.volumeBindingMode, 'Immediate'),
      object.allowVolumeExpansion === true ? 'true' : 'false',
      ageOf(storageClass.metadata.creationTimestamp, now),
    ];
  },
};
