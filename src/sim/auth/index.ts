import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../shared/clock.js';
import { baseContentType } from '../http/media-type.js';
import { type ApiPath, parseApiPath } from '../http/request-path.js';
import type { Registry } from '../types.js';
import { requestAttributes } from './attributes.js';
import { type Authenticator, authenticate } from './authenticate.js';
import { forbiddenFor } from './forbidden.js';
import { authorize } from './rbac.js';
import { type ReviewAnswer, serveReview } from './reviews.js';
import { ServiceAccountTokens } from './tokens.js';
import { SYSTEM_MASTERS, type UserInfo, unauthorized } from './user.js';

export { ensureBootstrapPolicy } from './bootstrap-policy.js';
export { ADMIN_USER, INSECURE_USER, type UserInfo } from './user.js';

export interface AuthOptions {
  registry: Registry;
  clock: Clock;
  https: boolean;
  adminToken?: string;
  isNamespaced: (group: string, version: string, resource: string) => boolean;
}

/** Authentication, RBAC authorization and the review/token endpoints, in front of the API server's routes. */
export class ApiAuth {
  private readonly authenticator: Authenticator;

  constructor(private readonly options: AuthOptions) {
    this.authenticator = {
      https: options.https,
      tokens: new ServiceAccountTokens(),
      registry: options.registry,
      adminToken: options.adminToken,
      nowSeconds: () => Math.floor(options.clock.now() / 1000),
    };
  }

  /**
   * Authenticates and authorizes one request (StatusError 401/403 when refused); answers it when it is a review
   * kind or a TokenRequest, else returns undefined for the normal routes. `/_sim/` needs system:masters.
   */
  async check(
    req: IncomingMessage,
    method: string,
    url: URL,
    body: Buffer,
  ): Promise<ReviewAnswer | undefined> {
    const user = await authenticate(this.authenticator, req);
    if (!user) throw unauthorized();
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const parsed: ApiPath = url.pathname.startsWith('/_sim/')
      ? { type: 'unknown' }
      : parseApiPath(path, this.options.isNamespaced);
    const attributes = requestAttributes(user, method, url, parsed);
    if (!isPrivileged(user)) {
      const decision = await authorize(this.options.registry, attributes);
      if (!decision.allowed) throw forbiddenFor(attributes, decision.reason);
    }
    if (parsed.type !== 'resource') return undefined;
    return serveReview({
      auth: this.authenticator,
      registry: this.options.registry,
      user,
      attributes,
      contentType: baseContentType(req.headers['content-type']),
      body,
    });
  }
}

function isPrivileged(user: UserInfo): boolean {
  return user.groups.includes(SYSTEM_MASTERS);
}
