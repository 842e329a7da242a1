import { type ResourceInfo, StatusError } from '../types.js';

const ITEM_VERBS: Readonly<Record<string, string>> = {
  GET: 'get',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};
const COLLECTION_VERBS: Readonly<Record<string, string>> = {
  GET: 'list',
  POST: 'create',
  DELETE: 'deletecollection',
};

/**
 * The go-restful answer for a path the API server routes but not with this method (`handler.go`'s service error
 * handler turns it into `NewGenericServerResponse(405, …)`): reason MethodNotAllowed, empty details.
 */
export function methodNotAllowedOnRoute(): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server does not allow this method on the requested resource',
    reason: 'MethodNotAllowed',
    details: {},
    code: 405,
  });
}

/** `errors.NewMethodNotSupported`: a route that exists whose storage lacks the verb (watch on a lister only). */
export function methodNotSupported(info: ResourceInfo, action: string): StatusError {
  const qualified = info.group ? `${info.resource}.${info.group}` : info.resource;
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${action} is not supported on resources of kind "${qualified}"`,
    reason: 'MethodNotAllowed',
    details: { ...(info.group ? { group: info.group } : {}), kind: info.resource },
    code: 405,
  });
}

export type RouteCheck = { ok: true; verb: string } | { ok: false; error: 'not-found' | StatusError };

/**
 * Which verb a request on a resource's own path (no subresource) asks for, and whether the resource has it. The
 * installer registers a route per verb the storage implements: the collection path exists when the resource can be
 * listed, created or deleted as a collection, the item path when it can be read, written or deleted; the all-namespaces
 * path of a namespaced resource only lists and watches. A path with no route at all is a 404, a route without the
 * method a 405.
 */
export function checkVerb(
  info: ResourceInfo,
  method: string,
  target: { name?: string; namespace?: string },
  watch: boolean,
): RouteCheck {
  const has = (verb: string) => info.verbs.includes(verb);
  if (target.name !== undefined) {
    if (!['get', 'update', 'patch', 'delete'].some(has)) return { ok: false, error: 'not-found' };
    const verb = ITEM_VERBS[method];
    return verb && has(verb) ? { ok: true, verb } : { ok: false, error: methodNotAllowedOnRoute() };
  }
  const allNamespaces = info.namespaced && target.namespace === undefined;
  const routed = allNamespaces ? ['list', 'watch'] : ['list', 'watch', 'create', 'deletecollection'];
  if (!routed.some(has)) return { ok: false, error: 'not-found' };
  const verb = allNamespaces ? (method === 'GET' ? 'list' : undefined) : COLLECTION_VERBS[method];
  if (!verb || !has(verb)) return { ok: false, error: methodNotAllowedOnRoute() };
  if (verb === 'list' && watch && !has('watch'))
    return { ok: false, error: methodNotSupported(info, 'watch') };
  return { ok: true, verb: verb === 'list' && watch ? 'watch' : verb };
}
