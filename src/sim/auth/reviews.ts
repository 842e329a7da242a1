import { badRequest, invalid, notFound } from '../registry/status-errors.js';
import type { KubeObject, Registry } from '../types.js';
import type { RequestAttributes } from './attributes.js';
import { type Authenticator, authenticateToken } from './authenticate.js';
import { decodeProtobufReview } from './protobuf-bodies.js';
import { authorize, type PolicyRule, rulesFor } from './rbac.js';
import { ISSUER } from './tokens.js';
import type { UserInfo } from './user.js';

export interface ReviewRequest {
  auth: Authenticator;
  registry: Registry;
  user: UserInfo;
  attributes: RequestAttributes;
  contentType: string;
  body: Buffer;
}

export interface ReviewAnswer {
  code: number;
  body: unknown;
}

type Json = Record<string, unknown>;

function parseBody(request: ReviewRequest): Json {
  if (request.contentType === 'application/vnd.kubernetes.protobuf')
    return decodeProtobufReview(request.attributes.resource, request.body);
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8') || '{}');
  } catch (error) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest("Object 'Kind' is missing in the request body");
  return body as Json;
}

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function userInfoJson(user: UserInfo): Json {
  return {
    username: user.username,
    ...(user.uid ? { uid: user.uid } : {}),
    groups: user.groups,
    ...(user.extra ? { extra: user.extra } : {}),
  };
}

/** Attributes from a review's spec (`resourceAttributes` or `nonResourceAttributes`). */
function specAttributes(spec: Json, user: UserInfo, namespace?: string): RequestAttributes {
  const resource = spec.resourceAttributes;
  const nonResource = spec.nonResourceAttributes;
  if ((resource === undefined) === (nonResource === undefined))
    throw badRequest('exactly one of nonResourceAttributes or resourceAttributes must be specified');
  if (resource !== undefined) {
    const attrs = object(resource);
    return {
      user,
      verb: text(attrs.verb),
      resourceRequest: true,
      path: '',
      apiGroup: text(attrs.group),
      apiVersion: text(attrs.version),
      namespace: namespace ?? text(attrs.namespace),
      resource: text(attrs.resource),
      subresource: text(attrs.subresource),
      name: text(attrs.name),
    };
  }
  const attrs = object(nonResource);
  return {
    user,
    verb: text(attrs.verb),
    resourceRequest: false,
    path: text(attrs.path),
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
}

async function accessStatus(registry: Registry, attributes: RequestAttributes): Promise<Json> {
  const decision = await authorize(registry, attributes);
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
}

function reviewAnswer(kind: string, group: string, body: Json, spec: Json, status: Json, namespace?: string) {
  const metadata = object(body.metadata);
  return {
    code: 201,
    body: {
      kind,
      apiVersion: `${group}/v1`,
      metadata: { ...metadata, ...(namespace ? { namespace } : {}), creationTimestamp: null },
      spec,
      status,
    },
  };
}

function rulesReviewStatus(rules: PolicyRule[], errors: string[]): Json {
  const resourceRules = rules
    .filter((rule) => (rule.resources ?? []).length > 0)
    .map((rule) => ({
      verbs: rule.verbs,
      apiGroups: rule.apiGroups ?? [],
      resources: rule.resources ?? [],
      ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
    }));
  const nonResourceRules = rules
    .filter((rule) => (rule.nonResourceURLs ?? []).length > 0)
    .map((rule) => ({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs ?? [] }));
  return {
    resourceRules,
    nonResourceRules,
    incomplete: false,
    ...(errors.length > 0 ? { evaluationError: errors.join(', ') } : {}),
  };
}

/**
 * The create-only kinds the authn/authz APIs serve and never store, and `serviceaccounts/<sa>/token`. Undefined
 * when the request is none of them.
 */
export async function serveReview(request: ReviewRequest): Promise<ReviewAnswer | undefined> {
  const { attributes, registry, user } = request;
  if (!attributes.resourceRequest || attributes.verb !== 'create') return undefined;
  const key = `${attributes.apiGroup}/${attributes.resource}/${attributes.subresource}`;
  switch (key) {
    case 'authorization.k8s.io/selfsubjectaccessreviews/': {
      const body = parseBody(request);
      const spec = object(body.spec);
      const status = await accessStatus(registry, specAttributes(spec, user));
      return reviewAnswer('SelfSubjectAccessReview', 'authorization.k8s.io', body, spec, status);
    }
    case 'authorization.k8s.io/subjectaccessreviews/':
    case 'authorization.k8s.io/localsubjectaccessreviews/': {
      const body = parseBody(request);
      const spec = object(body.spec);
      const local = attributes.resource === 'localsubjectaccessreviews';
      const subject: UserInfo = {
        username: text(spec.user),
        ...(text(spec.uid) ? { uid: text(spec.uid) } : {}),
        groups: strings(spec.groups),
      };
      if (local) {
        const given = text(object(spec.resourceAttributes).namespace);
        if (given && given !== attributes.namespace)
          throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${attributes.namespace}`);
      }
      const status = await accessStatus(
        registry,
        specAttributes(spec, subject, local ? attributes.namespace : undefined),
      );
      return reviewAnswer(
        local ? 'LocalSubjectAccessReview' : 'SubjectAccessReview',
        'authorization.k8s.io',
        body,
        spec,
        status,
        local ? attributes.namespace : undefined,
      );
    }
    case 'authorization.k8s.io/selfsubjectrulesreviews/': {
      const body = parseBody(request);
      const spec = object(body.spec);
      const { rules, errors } = await rulesFor(registry, user, text(spec.namespace));
      return reviewAnswer(
        'SelfSubjectRulesReview',
        'authorization.k8s.io',
        body,
        spec,
        rulesReviewStatus(rules, errors),
      );
    }
    case 'authentication.k8s.io/selfsubjectreviews/': {
      const body = parseBody(request);
      return {
        code: 201,
        body: {
          kind: 'SelfSubjectReview',
          apiVersion: 'authentication.k8s.io/v1',
          metadata: { ...object(body.metadata), creationTimestamp: null },
          status: { userInfo: userInfoJson(user) },
        },
      };
    }
    case 'authentication.k8s.io/tokenreviews/': {
      const body = parseBody(request);
      const spec = object(body.spec);
      const found = await authenticateToken(request.auth, text(spec.token));
      const wanted = strings(spec.audiences);
      const status = found
        ? { authenticated: true, user: userInfoJson(found), audiences: wanted.length > 0 ? wanted : [ISSUER] }
        : { user: {} };
      return reviewAnswer('TokenReview', 'authentication.k8s.io', body, spec, status);
    }
    case '/serviceaccounts/token':
      return mintToken(request);
    default:
      return undefined;
  }
}

/** `POST …/serviceaccounts/<sa>/token` (TokenRequest): a token for that ServiceAccount, an hour unless asked. */
async function mintToken(request: ReviewRequest): Promise<ReviewAnswer> {
  const { attributes, registry, auth } = request;
  const body = parseBody(request);
  const spec = object(body.spec);
  const namespace = attributes.namespace;
  const name = attributes.name;
  let sa: KubeObject;
  try {
    sa = await registry.get({ group: '', resource: 'serviceaccounts' }, namespace, name);
  } catch {
    throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  }
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  if (expirationSeconds < 600 || expirationSeconds > 2 ** 32) {
    const why =
      expirationSeconds < 600
        ? 'may not specify a duration less than 10 minutes'
        : 'may not specify a duration larger than 2^32 seconds';
    throw invalid('TokenRequest', 'authentication.k8s.io', name, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${expirationSeconds}: ${why}`,
        field: 'spec.expirationSeconds',
      },
    ]);
  }
  const audiences = strings(spec.audiences).length > 0 ? strings(spec.audiences) : [ISSUER];
  const nowSeconds = auth.nowSeconds();
  const token = auth.tokens.mint({
    namespace,
    name,
    uid: sa.metadata.uid ?? '',
    audiences,
    nowSeconds,
    expirationSeconds,
  });
  return {
    code: 201,
    body: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: {
        token,
        expirationTimestamp: new Date((nowSeconds + expirationSeconds) * 1000)
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      },
    },
  };
}
