import type { ApiPath } from '../http/request-path.js';
import type { UserInfo } from './user.js';

/** What the authorizer decides on (`authorizer.Attributes`). */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** Non-resource requests: the URL path. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

const RESOURCE_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
  GET: 'get',
  HEAD: 'get',
};

/** `RequestInfoFactory.NewRequestInfo` for the paths the sim serves. */
export function requestAttributes(
  user: UserInfo,
  method: string,
  url: URL,
  parsed: ApiPath,
): RequestAttributes {
  const path = url.pathname;
  if (parsed.type !== 'resource') {
    return {
      user,
      verb: method.toLowerCase(),
      resourceRequest: false,
      path,
      apiGroup: '',
      apiVersion: '',
      namespace: '',
      resource: '',
      subresource: '',
      name: '',
    };
  }
  let verb = RESOURCE_VERBS[method] ?? method.toLowerCase();
  let name = parsed.name ?? '';
  if (name === '') {
    if (verb === 'get')
      verb =
        url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1' ? 'watch' : 'list';
    if (verb === 'delete') verb = 'deletecollection';
    // A list or watch of one object by field selector is authorized as that object's name.
    if (verb === 'list' || verb === 'watch') {
      const match = /^metadata\.name==?([^,]+)$/.exec(url.searchParams.get('fieldSelector') ?? '');
      if (match?.[1]) name = match[1];
    }
  }
  let namespace = parsed.namespace ?? '';
  // The namespace object itself: `/api/v1/namespaces/<ns>` is in that namespace.
  if (parsed.group === '' && parsed.resource === 'namespaces' && name !== '') namespace = name;
  return {
    user,
    verb,
    resourceRequest: true,
    path,
    apiGroup: parsed.group,
    apiVersion: parsed.version,
    namespace,
    resource: parsed.resource,
    subresource: parsed.subresource ?? '',
    name,
  };
}
