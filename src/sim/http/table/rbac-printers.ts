import type { KubeObject } from '../../types.js';
import { AGE_COLUMN, column, type KindPrinter, list, NAME_COLUMN, record, str } from './column.js';
import { ageOf } from './human-duration.js';

// printers.go of kubernetes/pkg/printers/internalversion: roles and clusterroles print their creation time,
// bindings their role and (wide) subjects as rbac.SubjectsStrings splits them.

const CREATED_AT = column(
  'Created At',
  'date',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);

export const rolePrinter: KindPrinter = {
  columns: [NAME_COLUMN, CREATED_AT],
  cells: (role: KubeObject) => [role.metadata.name ?? '', role.metadata.creationTimestamp ?? ''],
};

function subjectsStrings(subjects: unknown): {
  users: string[];
  groups: string[];
  serviceAccounts: string[];
} {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const subject of list(subjects).map(record)) {
    const name = str(subject.name);
    if (subject.kind === 'User') users.push(name);
    else if (subject.kind === 'Group') groups.push(name);
    else if (subject.kind === 'ServiceAccount') serviceAccounts.push(`${str(subject.namespace)}/${name}`);
  }
  return { users, groups, serviceAccounts };
}

export const roleBindingPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Role', 'string', 'Role references either a ClusterRole or a Role.'),
    AGE_COLUMN,
    column('Users', 'string', 'Users in the roleBinding', 1),
    column('Groups', 'string', 'Groups in the roleBinding', 1),
    column('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding', 1),
  ],
  cells(binding: KubeObject, now: number) {
    const ref = record(binding.roleRef);
    const { users, groups, serviceAccounts } = subjectsStrings(binding.subjects);
    return [
      binding.metadata.name ?? '',
      `${str(ref.kind)}/${str(ref.name)}`,
      ageOf(binding.metadata.creationTimestamp, now),
      users.join(', '),
      groups.join(', '),
      serviceAccounts.join(', '),
    ];
  },
};
