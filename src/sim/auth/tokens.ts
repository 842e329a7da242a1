import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** The issuer (and default audience) kubeadm clusters use. */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  nbf: number;
  sub: string;
  'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string } };
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * ServiceAccount tokens as a TokenRequest mints them: a JWT with the real claims, signed with HMAC-SHA256 under a
 * key made at start (the real server signs RS256 with its service-account key; only this simulator verifies these).
 */
export class ServiceAccountTokens {
  private readonly key = randomBytes(32);

  mint(options: {
    namespace: string;
    name: string;
    uid: string;
    audiences: string[];
    nowSeconds: number;
    expirationSeconds: number;
  }): string {
    const claims: TokenClaims = {
      aud: options.audiences,
      exp: options.nowSeconds + options.expirationSeconds,
      iat: options.nowSeconds,
      iss: ISSUER,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: options.namespace,
        serviceaccount: { name: options.name, uid: options.uid },
      },
      nbf: options.nowSeconds,
      sub: `system:serviceaccount:${options.namespace}:${options.name}`,
    };
    const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
    return `${unsigned}.${this.sign(unsigned)}`;
  }

  /** The claims of a token this simulator minted and that has not expired, else undefined. */
  verify(token: string, nowSeconds: number): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
      if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
      if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) return undefined;
      return claims;
    } catch {
      return undefined;
    }
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
