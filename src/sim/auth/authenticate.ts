import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Registry } from '../types.js';
import type { ServiceAccountTokens } from './tokens.js';
import { ADMIN_USER, AUTHENTICATED, INSECURE_USER, serviceAccountUser, type UserInfo } from './user.js';

const SERVICE_ACCOUNTS = { group: '', resource: 'serviceaccounts' };

export interface Authenticator {
  https: boolean;
  tokens: ServiceAccountTokens;
  registry: Registry;
  /** The kubeconfig's static bearer token, if any: the admin identity. */
  adminToken?: string;
  nowSeconds(): number;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function values(field: string | string[] | undefined): string[] {
  if (field === undefined) return [];
  return Array.isArray(field) ? field : [field];
}

/** A ServiceAccount token's user, while the token is valid and its ServiceAccount (same uid) still exists. */
export async function authenticateToken(auth: Authenticator, token: string): Promise<UserInfo | undefined> {
  if (auth.adminToken && token === auth.adminToken) return ADMIN_USER;
  const claims = auth.tokens.verify(token, auth.nowSeconds());
  if (!claims) return undefined;
  const { namespace, serviceaccount } = claims['kubernetes.io'];
  try {
    const sa = await auth.registry.get(SERVICE_ACCOUNTS, namespace, serviceaccount.name);
    if (sa.metadata.uid !== serviceaccount.uid || sa.metadata.deletionTimestamp) return undefined;
  } catch {
    return undefined;
  }
  return serviceAccountUser(namespace, serviceaccount.name, serviceaccount.uid);
}

/**
 * The union authenticator's order: a client certificate signed by the sim's CA (CN = user, O = groups), then a
 * bearer token. Undefined means 401. Plain HTTP is the old insecure port: a request without a token the sim
 * recognises is the privileged `system:unsecured` user.
 */
export async function authenticate(auth: Authenticator, req: IncomingMessage): Promise<UserInfo | undefined> {
  const socket = req.socket as Partial<TLSSocket>;
  if (auth.https && typeof socket.getPeerCertificate === 'function') {
    const cert = socket.getPeerCertificate();
    if (cert && Object.keys(cert).length > 0) {
      if (!socket.authorized) return undefined;
      const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
      const username = values(subject.CN)[0];
      if (!username) return undefined;
      return { username, groups: [...values(subject.O), AUTHENTICATED] };
    }
  }
  const token = bearerToken(req);
  const user = token ? await authenticateToken(auth, token) : undefined;
  if (user) return user;
  return auth.https ? undefined : INSECURE_USER;
}
