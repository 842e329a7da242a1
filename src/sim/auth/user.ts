import { type Status, StatusError } from '../types.js';

/** Who is asking: what an authenticator found (`user.Info`). */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const SYSTEM_MASTERS = 'system:masters';
export const AUTHENTICATED = 'system:authenticated';

/** The kubeconfig's identity on HTTPS (the client certificate kubeadm writes into admin.conf before 1.29). */
export const ADMIN_USER: UserInfo = { username: 'kubernetes-admin', groups: [SYSTEM_MASTERS, AUTHENTICATED] };

/** Plain HTTP acts as the old insecure port: every request is this privileged identity. */
export const INSECURE_USER: UserInfo = {
  username: 'system:unsecured',
  groups: [SYSTEM_MASTERS, AUTHENTICATED],
};

export function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, AUTHENTICATED],
  };
}

/** `apierrors.NewUnauthorized("Unauthorized")`, as the authentication filter answers. */
export function unauthorized(): StatusError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  };
  return new StatusError(status);
}
